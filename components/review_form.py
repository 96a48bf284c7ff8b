"""The review form, built from the instrument: each item's rating and rationale, the themes, the questions."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

RATING = "review-rating"        # pattern-matching ids: {"type": RATING, "item": item id}
RATIONALE = "review-rationale"
QUESTION = "review-question"    # {"type": QUESTION, "question": question id}
THEMES = "review-themes"       # {"type": THEMES, "form": "themes"}: made with the form, so matched, not named
NOT_ANSWERED = "— not answered —"
NOT_RATED = "— not rated —"


def form_parts(instrument) -> list[str]:
    """The parts of the form a problem is shown beside (`reviews.instrument.answer_problems`' fields)."""
    return ([f"item:{item.id}" for item in instrument.items] + ["themes"]
            + [f"question:{q.id}" for q in instrument.questions])


def _problems(said: list[str] | None) -> html.Div | None:
    """A part's problems, in red beside it (the page scrolls to the first)."""
    if not said:
        return None
    return html.Div([html.Div(f"⚠ {text}") for text in said], role="alert",
                    className="review-problem text-danger fw-bold mt-1")


def _given(text) -> html.Div:
    """An answer as a completed (or read-only) review shows it: the text, or plainly that there is none."""
    said = text.strip() if isinstance(text, str) else ""
    return html.Div(said or NOT_ANSWERED, className="review-answer" + ("" if said else " text-muted fst-italic"),
                    style={"whiteSpace": "pre-wrap"})


def review_form(instrument, answers: dict | None, editable: bool,
                problems: list[tuple[str, str]] | None = None) -> html.Div:
    """Every outcome's items (rating, and a rationale, required for an Area Needing Improvement), the practice
    themes and the open questions, filled with `answers` so far; each of `problems` ((part, text), as
    `reviews.instrument.answer_problems` gives them) beside its part. Read-only (`editable` False), the answers
    are shown as text, and one left empty says so rather than showing an input's hint."""
    answers = answers if isinstance(answers, dict) else {}
    located: dict[str, list[str]] = {}
    for field, text in problems or []:
        located.setdefault(field, []).append(text)
    given = answers.get("items", {}) if isinstance(answers.get("items"), dict) else {}
    names = {r.id: r.name for r in instrument.ratings}
    sections = []
    for outcome in instrument.outcomes:
        rows = []
        for item in outcome.items:
            mine = given.get(item.id, {}) if isinstance(given.get(item.id), dict) else {}
            if editable:
                answer = [
                    dbc.RadioItems(id={"type": RATING, "item": item.id}, inline=True, value=mine.get("rating"),
                                   options=[{"label": names[r], "value": r} for r in item.ratings]),
                    # The label holds the box, so a screen reader names it (a pattern id cannot be a label's `for`).
                    html.Label([html.Span(f"Rationale for {item.number}. {item.name}", className="visually-hidden"),
                                dbc.Textarea(id={"type": RATIONALE, "item": item.id},
                                             value=mine.get("rationale") or "",
                                             placeholder="Rationale (required for an Area Needing Improvement)",
                                             rows=2, class_name="mt-1")], className="d-block"),
                    _problems(located.get(f"item:{item.id}"))]
            else:
                rating = mine.get("rating")
                answer = [html.Div([html.Span("Rating: ", className="text-muted"),
                                    html.Span(names.get(rating, NOT_RATED) if rating else NOT_RATED,
                                              className="fw-bold" if rating else "text-muted fst-italic")]),
                          html.Div([html.Span("Rationale:", className="text-muted"),
                                    _given(mine.get("rationale"))])]
            rows.append(html.Div([
                html.Div(f"{item.number}. {item.name}", className="fw-bold"),
                html.Div(item.question, className="mb-1"),
                html.Details([html.Summary("Guidance", className="text-muted small"),
                              html.Div(item.guidance, className="small text-muted")], className="mb-1"),
                *answer,
            ], className="review-item mb-3", id=f"review-item-{item.id}"))
        sections.append(dbc.Card([dbc.CardHeader(f"{outcome.domain}: {outcome.name}"), dbc.CardBody(rows)],
                                 class_name="mb-3"))
    themes = answers.get("themes") if isinstance(answers.get("themes"), list) else []
    if editable:
        chosen = [dbc.Checklist(id={"type": THEMES, "form": "themes"}, value=themes, options=[
            {"label": f"{t.name}: {t.description}", "value": t.id} for t in instrument.themes]),
            _problems(located.get("themes"))]
    else:
        named = [t for t in instrument.themes if t.id in themes]
        chosen = (html.Ul([html.Li(f"{t.name}: {t.description}") for t in named]) if named
                  else html.Div("— none named —", className="text-muted fst-italic"))
    sections.append(dbc.Card([dbc.CardHeader("Practice themes this case showed"), dbc.CardBody(chosen)],
                             class_name="mb-3"))
    asked = answers.get("questions", {}) if isinstance(answers.get("questions"), dict) else {}
    sections.append(dbc.Card([dbc.CardHeader("In your words"), dbc.CardBody([
        html.Div([html.Label([html.Span(f"{q.name}{'' if q.required else ' (optional)'}",
                                        className="form-label d-block fw-bold"),
                              html.Span(q.prompt, className="small d-block"),
                              dbc.Textarea(id={"type": QUESTION, "question": q.id}, value=asked.get(q.id) or "",
                                           rows=3)], className="d-block"),
                  _problems(located.get(f"question:{q.id}"))] if editable else
                 [html.Div(q.name, className="fw-bold"), html.Div(q.prompt, className="small text-muted"),
                  _given(asked.get(q.id))], className="mb-3", id=f"review-question-{q.id}")
        for q in instrument.questions])], class_name="mb-3"))
    return html.Div(sections)


def answers_from(ratings, ratings_ids, rationales, rationale_ids, themes, questions, question_ids) -> dict:
    """The answers as `check_answers` reads them, from the form's values and their pattern-matching ids.
    `themes`: the values of the theme checklists matched (a list of lists)."""
    items = {}
    for value, ident in zip(ratings or [], ratings_ids or []):
        items.setdefault(ident["item"], {})["rating"] = value
    for value, ident in zip(rationales or [], rationale_ids or []):
        if value:
            items.setdefault(ident["item"], {})["rationale"] = value
    items = {k: v for k, v in items.items() if v.get("rating") or v.get("rationale")}
    asked = {ident["question"]: value for value, ident in zip(questions or [], question_ids or []) if value}
    chosen = [theme for checked in (themes or []) for theme in (checked or [])]
    return {"items": items, "themes": chosen, "questions": asked}
