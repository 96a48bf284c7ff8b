"""Reviews of picked cases, in the app store: the queue, the answers, and the findings they roll up to.

Each case picked (and not eliminated) in a saved selection becomes a review (`open_reviews`), assigned to a
reviewer (a manager whose scope covers the selection's entity, or an executive) with a due date: status
`assigned`. The reviewer saves drafts (`save_answers`, status `in progress`: the answers are checked with
`reviews.instrument.check_answers(complete=False)`) and completes it (`complete_review`, checked with
complete=True); a completed review is not changed again. The answers are kept with the digest of the
instrument they were checked against, so a review always says which form it was filled on.

Who may: a review belongs to its selection's entity. Only a reader whose scope owns that entity, with
case-level access, sees it (`OutsideScope` otherwise, alike for a review that does not exist); only the
assignee, or an executive, fills it in. A review of a case eliminated after it was opened leaves the queue
and the findings, and is not filled in. Every change is written to the audit log, never with a case or child
id (the review, the selection and the draw number say which).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from store import db
from access.roles import Reader, reader_for
from store.reviews import ReviewError, load_selection
from access.scope import EntityRef, LEVELS, OutsideScope, Scope
from store.db import case_reviews, review_cases, review_selections, utcnow
from store.users import User, get_user, list_users
from reviews.instrument import Findings, Instrument, answer_problems, rollup

ASSIGNED, IN_PROGRESS, COMPLETED = STATUSES = ("assigned", "in progress", "completed")
REVIEWER_ROLES = ("manager", "executive")
OPENED = "case-reviews-opened"        # reviews opened for a selection's picks
SAVED = "case-review-saved"           # a draft's answers saved
COMPLETED_ACTION = "case-review-completed"


class AnswersRefused(ReviewError):
    """A review's answers that cannot be saved as they are; `problems` lists every one, in the form's order."""

    def __init__(self, review_id: int, problems: list[str], complete: bool,
                 located: list[tuple[str, str]] | None = None):
        self.review_id, self.problems, self.complete = review_id, problems, complete
        # (part of the form, problem): `reviews.instrument.answer_problems`, for a form to show each in place
        self.located = located if located is not None else [("", p) for p in problems]
        what = "not completed" if complete else "not saved"
        super().__init__(f"review {review_id} {what}: {len(problems)} problem(s): {'; '.join(problems)}")


@dataclass(frozen=True)
class CaseReview:
    """One picked case's review, with the case it is about and the selection's entity it belongs to."""
    id: int
    selection_id: int
    case_id: int
    draw: int
    indicator_id: str
    month: dt.date
    member_type: str
    member_id: str
    child_id: str | None
    worker_id: str | None
    unit_id: str | None
    entity: EntityRef
    entity_ids: dict
    assignee: str
    due: dt.date
    status: str
    assigned_at: dt.datetime
    assigned_by: str
    answers: dict | None
    instrument_digest: str | None
    saved_at: dt.datetime | None
    saved_by: str | None
    completed_at: dt.datetime | None
    completed_by: str | None
    case_eliminated: bool


def _case_scope(reader: Reader) -> Scope:
    scope = reader.data_scope()
    if not scope.case_level:
        raise OutsideScope("reviews of cases are case-level records, which your access does not include")
    if scope.is_provider:  # the department's own case reviews: none is a delegate agency's
        raise OutsideScope(f"reviews of cases are the department's; you read {scope.describe()}")
    return scope


def _reviews_query():
    return (sa.select(case_reviews, review_cases.c.draw, review_cases.c.indicator_id, review_cases.c.month,
                      review_cases.c.member_type, review_cases.c.member_id, review_cases.c.child_id,
                      review_cases.c.worker_id, review_cases.c.unit_id.label("case_unit_id"),
                      review_cases.c.eliminated_at, review_selections.c.entity_level, review_selections.c.entity_id,
                      review_selections.c.bureau_id, review_selections.c.office_id, review_selections.c.unit_id)
            .join(review_cases, review_cases.c.id == case_reviews.c.case_id)
            .join(review_selections, review_selections.c.id == case_reviews.c.selection_id))


def _in_subtree(query, entity: EntityRef):
    """Only the reviews whose selection's entity is `entity` or under it (its ancestry holds its own id)."""
    if entity.level == "department":
        return query
    if entity.level not in ("bureau", "office", "unit"):  # a provider: no selection is under it
        return query.where(sa.false())
    return query.where(review_selections.c[f"{entity.level}_id"] == entity.entity_id)


def _review(row) -> CaseReview:
    return CaseReview(
        row.id, row.selection_id, row.case_id, row.draw, row.indicator_id, row.month, row.member_type,
        row.member_id, row.child_id, row.worker_id, row.case_unit_id, EntityRef(row.entity_level, row.entity_id),
        {"bureau_id": row.bureau_id, "office_id": row.office_id, "unit_id": row.unit_id}, row.assignee, row.due,
        row.status, row.assigned_at, row.assigned_by, None if row.answers is None else json.loads(row.answers),
        row.instrument_digest, row.saved_at, row.saved_by, row.completed_at, row.completed_by,
        row.eliminated_at is not None)


def _owned(scope: Scope, review: CaseReview) -> bool:
    return scope.case_level and scope.owns(review.entity, review.entity_ids)


def load_review(engine: Engine, reader: Reader, review_id: int) -> CaseReview:
    """One review, for a reader whose scope owns its selection's entity (`OutsideScope` otherwise, alike for
    a review that does not exist)."""
    scope = _case_scope(reader)
    with engine.connect() as conn:
        row = conn.execute(_reviews_query().where(case_reviews.c.id == review_id)).first()
    review = None if row is None else _review(row)
    if review is None or not _owned(scope, review):
        raise OutsideScope(f"there is no review {review_id} that you may see ({scope.describe()})")
    return review


def _check_reviewer(engine: Engine, reviewer: str, entity: EntityRef, ids: dict) -> str:
    """The username of `reviewer`, who must be an active manager whose scope covers `entity`, or an
    executive; `ReviewError` saying who may be chosen otherwise."""
    user = get_user(engine, reviewer or "")
    if user is None:
        raise ReviewError(f"there is no user {reviewer!r} who could review these cases: choose one of the "
                          "reviewers offered, or ask an administrator to add them")
    if user.disabled:
        raise ReviewError(f"{user.username} is disabled: choose another reviewer, or enable them first")
    if user.role not in REVIEWER_ROLES:
        raise ReviewError(f"{user.username}'s role, {user.role}, does not read case records: a review is "
                          f"assigned to a manager whose scope covers {entity}, or to an executive")
    scope = reader_for(user.username, user.role, user.scope).scope
    if not scope.owns(entity, ids):
        raise ReviewError(f"{user.username} manages {scope}, which does not cover {entity}: choose a manager of "
                          f"{entity} (or above it), or an executive")
    return user.username


def eligible_reviewers(engine: Engine, entity: EntityRef, ids: dict) -> list[User]:
    """The users a review of a case of `entity` (with its ancestry `ids`) may be assigned to, by username: every
    active user whose role reviews cases and whose scope covers the entity, as `open_reviews` checks them."""
    return [user for user in list_users(engine) if not user.disabled and user.role in REVIEWER_ROLES
            and reader_for(user.username, user.role, user.scope).scope.owns(entity, ids)]


def open_reviews(engine: Engine, reader: Reader, selection_id: int, reviewer: str, due: dt.date,
                 via: str | None = None) -> list[CaseReview]:
    """Open a review, assigned to `reviewer` and due on `due`, for each case picked (and not eliminated) in
    the saved selection that has none yet (a replacement picked after an elimination, say). Returns the
    reviews opened; `ReviewError` when there is none to open or the reviewer or day will not do."""
    scope = _case_scope(reader)
    if not isinstance(due, dt.date) or isinstance(due, dt.datetime):
        raise ReviewError("the due date must be a day, e.g. 2026-12-31")
    today = utcnow().date()
    if due < today:
        raise ReviewError(f"the due date {due:%Y-%m-%d} has passed: give today ({today:%Y-%m-%d}) or a later day")
    selection = load_selection(engine, scope, selection_id)
    assignee = _check_reviewer(engine, reviewer, selection.entity, selection.entity_ids)
    now = utcnow()
    with engine.begin() as conn:
        reviewed = set(conn.execute(sa.select(case_reviews.c.case_id)
                                    .where(case_reviews.c.selection_id == selection_id)).scalars())
        cases = [c for c in selection.picks if not c.eliminated and c.id not in reviewed]
        if not cases:
            raise ReviewError(f"every case picked in selection {selection_id} already has a review "
                              "(the review queue lists them)")
        try:
            conn.execute(case_reviews.insert(), [
                {"case_id": c.id, "selection_id": selection_id, "assignee": assignee, "due": due,
                 "status": ASSIGNED, "assigned_at": now, "assigned_by": reader.username[:200]} for c in cases])
        except IntegrityError:  # another assignment of the same cases won the race: this one is undone
            raise ReviewError(f"selection {selection_id}'s cases were assigned meanwhile: "
                              "the review queue lists them") from None
        db.record_in(conn, reader.username, OPENED, {
            "selection": selection_id, "entity": str(selection.entity), "reviewer": assignee,
            "due": f"{due:%Y-%m-%d}", "draws": [c.draw for c in cases], "via": via})
        ids = conn.execute(sa.select(case_reviews.c.id).where(
            case_reviews.c.case_id.in_([c.id for c in cases])).order_by(case_reviews.c.id)).scalars().all()
    return [load_review(engine, reader, review_id) for review_id in ids]


def list_queue(engine: Engine, reader: Reader, assignee: str | None = None,
               status: str | None = None) -> list[CaseReview]:
    """The reviews of cases (not eliminated) in selections whose entity the reader's scope owns, the soonest
    due first; only `assignee`'s, or only those of one `status`, when given. Whole, never cut: a queue is a
    to-do list. `OutsideScope` for a reader without case-level access."""
    scope = _case_scope(reader)
    if status is not None and status not in STATUSES:
        raise ReviewError(f"status {status!r}? write one of {', '.join(STATUSES)}")
    query = _in_subtree(_reviews_query(), scope.root).where(review_cases.c.eliminated_at.is_(None))
    if assignee is not None:
        query = query.where(case_reviews.c.assignee == assignee.strip().lower())
    if status is not None:
        query = query.where(case_reviews.c.status == status)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(case_reviews.c.due, case_reviews.c.id)).all()
    return [review for review in map(_review, rows) if _owned(scope, review)]


def save_answers(engine: Engine, reader: Reader, review_id: int, answers, instrument: Instrument,
                 via: str | None = None) -> CaseReview:
    """Save a draft of a review's answers (status `in progress`), checked against `instrument` as a draft:
    every problem at once in `AnswersRefused`. Only the assignee or an executive may."""
    return _fill(engine, reader, review_id, answers, instrument, complete=False, via=via)


def complete_review(engine: Engine, reader: Reader, review_id: int, answers, instrument: Instrument,
                    via: str | None = None) -> CaseReview:
    """Complete a review with its answers (status `completed`, when and by whom), checked against
    `instrument` as a completed review: every problem at once in `AnswersRefused`. Only the assignee or an
    executive may; a completed review is not changed again."""
    return _fill(engine, reader, review_id, answers, instrument, complete=True, via=via)


def _fill(engine: Engine, reader: Reader, review_id: int, answers, instrument: Instrument, complete: bool,
          via: str | None) -> CaseReview:
    review = load_review(engine, reader, review_id)
    if reader.username != review.assignee and reader.role != "executive":
        raise OutsideScope(f"review {review_id} is assigned to {review.assignee}: only they, or an executive, "
                           "may fill it in")
    if review.case_eliminated:
        raise ReviewError(f"the case of review {review_id} was eliminated from selection {review.selection_id}: "
                          "its review is closed")
    if review.status == COMPLETED:
        raise ReviewError(f"review {review_id} was completed by {review.completed_by} on "
                          f"{review.completed_at:%Y-%m-%d}; a completed review is not changed")
    located = answer_problems(instrument, answers, complete=complete)
    if located:
        raise AnswersRefused(review_id, [text for _field, text in located], complete, located)
    now, who = utcnow(), reader.username[:200]
    values = {"answers": json.dumps(answers, sort_keys=True, default=dict), "instrument_digest": instrument.digest,
              "saved_at": now, "saved_by": who, "status": COMPLETED if complete else IN_PROGRESS}
    if complete:
        values.update(completed_at=now, completed_by=who)
    with engine.begin() as conn:
        done = conn.execute(case_reviews.update().where(case_reviews.c.id == review_id,
                                                        case_reviews.c.status != COMPLETED).values(**values))
        if done.rowcount != 1:
            raise ReviewError(f"review {review_id} was completed meanwhile; a completed review is not changed")
        items = answers.get("items") or {}
        db.record_in(conn, reader.username, COMPLETED_ACTION if complete else SAVED, {
            "review": review_id, "selection": review.selection_id, "draw": review.draw,
            "status": values["status"], "instrument": instrument.digest,
            "items_rated": sum(1 for a in items.values() if a.get("rating") is not None), "via": via})
    return load_review(engine, reader, review_id)


def matches(review: CaseReview, entity: EntityRef | None = None, indicator_id: str | None = None,
            month: dt.date | None = None, theme: str | None = None) -> bool:
    """Whether `review` is of a case picked in a selection of `entity` or under it, counted by that indicator,
    in that report month, and whose answers name that practice theme (each only when given)."""
    if entity is not None and entity.level != "department" and review.entity != entity and \
            review.entity_ids.get(f"{entity.level}_id") != entity.entity_id:
        return False
    if indicator_id is not None and review.indicator_id != indicator_id:
        return False
    if month is not None and review.month != month:
        return False
    themes = (review.answers or {}).get("themes") if isinstance(review.answers, dict) else None
    return theme is None or (isinstance(themes, list) and theme in themes)


def findings(engine: Engine, reader: Reader, instrument: Instrument, entity: EntityRef, since: dt.date,
             until: dt.date, indicator_id: str | None = None, month: dt.date | None = None,
             theme: str | None = None) -> Findings:
    """The findings (`reviews.instrument.rollup`) of the reviews completed from `since` to `until` (UTC days,
    both included) of cases picked in selections of `entity` or under it; only those `matches` keeps when an
    indicator, a report month or a theme is given. The reader's scope must own `entity` (`OutsideScope`
    otherwise)."""
    scope = _case_scope(reader)
    if entity.level not in LEVELS[:-1]:
        raise ReviewError(f"findings are for the department, a bureau, an office or a unit, not a {entity.level}")
    if until < since:
        raise ReviewError(f"the period ends ({until:%Y-%m-%d}) before it starts ({since:%Y-%m-%d}): swap them")
    start = dt.datetime.combine(since, dt.time())
    end = dt.datetime.combine(until, dt.time.max)  # the whole last day (9999-12-31 has no day after it)
    with engine.connect() as conn:
        if not _owns_entity(conn, scope, entity):
            raise OutsideScope(f"{entity.words} is outside what you may see ({scope.describe()}); "
                               f"start from {scope.root.words}")
        query = _in_subtree(_in_subtree(_reviews_query(), scope.root), entity).where(
            case_reviews.c.status == COMPLETED, review_cases.c.eliminated_at.is_(None),
            case_reviews.c.completed_at >= start, case_reviews.c.completed_at <= end)
        rows = conn.execute(query.order_by(case_reviews.c.id)).all()
    return rollup(instrument, [review.answers for review in map(_review, rows) if _owned(scope, review)
                               and matches(review, None, indicator_id, month, theme)])


def _owns_entity(conn, scope: Scope, entity: EntityRef) -> bool:
    """`scope` owns `entity`, as far as the store can tell without the warehouse: an entity's ancestry is read
    from a selection made of it or under it. An entity under the scope's level that no selection names has
    nothing to find, and is not refused."""
    if entity.level == "department" or scope.level == "department" or scope.is_provider:
        return scope.owns(entity, {})  # a provider's staff: no case review of the organisation's is theirs
    if LEVELS.index(entity.level) <= LEVELS.index(scope.level):
        return entity == scope.root
    row = conn.execute(sa.select(review_selections.c.bureau_id, review_selections.c.office_id,
                                 review_selections.c.unit_id)
                       .where(review_selections.c[f"{entity.level}_id"] == entity.entity_id).limit(1)).first()
    return row is None or scope.owns(entity, dict(row._mapping))


def selection_reviews(engine: Engine, reader: Reader, selection_id: int) -> list[CaseReview]:
    """The reviews of a saved selection's cases (eliminated ones left out), in draw order; the reader's scope
    must own the selection's entity, with case-level access (`OutsideScope` otherwise)."""
    scope = _case_scope(reader)
    load_selection(engine, scope, selection_id)
    with engine.connect() as conn:
        rows = conn.execute(_reviews_query().where(case_reviews.c.selection_id == selection_id,
                                                   review_cases.c.eliminated_at.is_(None))
                            .order_by(review_cases.c.draw, case_reviews.c.id)).all()
    return [review for review in map(_review, rows) if _owned(scope, review)]
