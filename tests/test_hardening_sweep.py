"""The hardening sweeps, apart from tests/test_hardening.py so that two test workers share the longest tests: every
callback of the app answers each corpus value in each input, and crafted combinations of them, without a 5xx and
without growing the store past what refusals may write. The app, the readers and the corpus are
tests/test_hardening.py's."""
from __future__ import annotations

import itertools

from tests.test_hardening import (CORPUS, TAKES, VALID, _dependencies, _fuzz_callback, _names, _post, _readers,
                                  _store_bound, _store_size, app, clients)  # noqa: F401 - app, clients: fixtures


def test_every_callback_answers_each_corpus_value_in_each_input_without_a_5xx_or_growing_the_store(app, clients):
    before = _store_size(app)
    for dep in _dependencies(clients["exec"]).values():
        readers = itertools.cycle(_readers(clients, dep["output"]))
        valid = {name: VALID[name] for name in _names(dep)}
        inputs = _names({"inputs": dep["inputs"], "state": []})
        for name in valid:
            tries = [{name: value} for value in CORPUS]
            if name in inputs:  # a page's query, each parameter in turn (as a state, the same parser reads it)
                tries += [{name: {**VALID[name], key: value}} for key in TAKES.get(name, []) for value in CORPUS]
            for change in tries:
                response = _post(clients[next(readers)], dep, {**valid, **change})
                assert response.status_code < 500, (dep["output"], change, response.get_data(as_text=True)[:500])
    assert _store_size(app) - before <= _store_bound(len(clients))


def test_every_callback_answers_crafted_combinations_without_a_5xx_or_growing_the_store(app, clients):
    before = _store_size(app)
    for dep in _dependencies(clients["exec"]).values():
        _fuzz_callback(clients, dep)()
    assert _store_size(app) - before <= _store_bound(len(clients))
