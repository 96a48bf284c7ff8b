"""The app store: what people write. Users and their sessions, the audit log (db), Stat meetings with their agenda,
actions and log (meetings), the meeting's numbers and book as a room reads them (meeting_book, followup), cases
drawn for review and their reviews (reviews, case_reviews); its tables and Alembic migrations (db, migrations/).

SQLite by default, PostgreSQL in production. It may import the warehouse's queries (a meeting's numbers, the
members a selection draws from), access and display below it; never web, components or pages above it, and the
warehouse's queries never import it.
"""
