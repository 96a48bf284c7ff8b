"""Who may read what, and what a request may say: the rules every reader of data (pages, downloads, the command
line) and every reading layer (the warehouse's queries, the app store) apply alike.

- scope: the part of the organisation a reader sees (`Scope`, `EntityRef`), and the refusals (`OutsideScope`,
  `ScorecardQueryError`);
- roles: roles and the `Reader` a signed-in person or `--by` user reads as;
- params: a request's parameters checked as text before anything reads them;
- private_files: files and folders only this account may read (the warehouse, the store, exports).

It imports nothing of Statboard's (pandas aside), so every layer above may import it.
"""
