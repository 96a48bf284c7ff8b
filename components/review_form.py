"""The review form, built from the instrument: each item's rating and rationale, the themes, the questions."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

RATING = "review-rating"        # pattern-matching ids: {"type": RATING, "item": item id}
RATIONALE = "review-rationale"
QUESTION = "review-question"    # {"type": QUESTION, "question": question id}
THEMES = "review-themes"       # {"type": THEMES, "form": "themes"}: made with the form, so matched, not named


def review_form(instrument, answers: dict | None, editable: bool) -> html.Div:
    """Every outcome's items (rating, and a rationale, required for an Area Needing Improvement), the practice
    themes and the open questions, filled with `answers` so far."""
    answers = answers or {}
    given = answers.get("items", {}) if isinstance(answers.get("items"), dict) else {}
    names = {r.id: r.name for r in instrument.ratings}
    sections = []
    for outcome in instrument.outcomes:
        rows = []
        for item in outcome.items:
            mine = given.get(item.id, {}) if isinstance(given.get(item.id), dict) else {}
            rows.append(html.Div([
                html.Div(f"{item.number}. {item.name}", className="fw-bold"),
                html.Div(item.question, className="mb-1"),
                html.Details([html.Summary("Guidance", className="text-muted small"),
                              html.Div(item.guidance, className="small text-muted")], className="mb-1"),
                dbc.RadioItems(id={"type": RATING, "item": item.id}, inline=True, value=mine.get("rating"),
                               options=[{"label": names[r], "value": r, "disabled": not editable}
                                        for r in item.ratings]),
                # The label holds the box, so a screen reader names it (a pattern id cannot be a label's `for`).
                html.Label([html.Span(f"Rationale for {item.number}. {item.name}", className="visually-hidden"),
                            dbc.Textarea(id={"type": RATIONALE, "item": item.id}, value=mine.get("rationale") or "",
                                         placeholder="Rationale (required for an Area Needing Improvement)", rows=2,
                                         disabled=not editable, class_name="mt-1")], className="d-block"),
            ], className="review-item mb-3"))
        sections.append(dbc.Card([dbc.CardHeader(f"{outcome.domain}: {outcome.name}"), dbc.CardBody(rows)],
                                 class_name="mb-3"))
    themes = answers.get("themes") if isinstance(answers.get("themes"), list) else []
    sections.append(dbc.Card([dbc.CardHeader("Practice themes this case showed"), dbc.CardBody(
        dbc.Checklist(id={"type": THEMES, "form": "themes"}, value=themes, options=[
            {"label": f"{t.name}: {t.description}", "value": t.id, "disabled": not editable}
            for t in instrument.themes]))], class_name="mb-3"))
    asked = answers.get("questions", {}) if isinstance(answers.get("questions"), dict) else {}
    sections.append(dbc.Card([dbc.CardHeader("In your words"), dbc.CardBody([
        html.Label([html.Span(f"{q.name}{'' if q.required else ' (optional)'}", className="form-label d-block"),
                    html.Span(q.prompt, className="small d-block"),
                    dbc.Textarea(id={"type": QUESTION, "question": q.id}, value=asked.get(q.id) or "", rows=3,
                                 disabled=not editable)], className="d-block mb-3")
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
