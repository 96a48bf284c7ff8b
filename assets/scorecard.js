// The scorecard table (pages/scorecard.py): drawn here from the plain data components/scorecard_table.py
// builds, with DOM calls: every text by textContent and every attribute by setAttribute, so a name from the
// data is text, never markup. (As Dash components its thousands of cells took Dash's renderer many seconds.)
// Its links navigate inside the app as a dcc.Link does; opened in a new tab they are ordinary links. On a
// meeting's page (spec.flag) each cell is a button that puts it on the agenda: pressing it (a click, Enter or
// Space) sets the Dash store spec.flag names, whose callback (pages/meeting.py `flag`) checks and writes it.
(function () {
    function element(tag, attributes, text) {
        var node = document.createElement(tag);
        Object.keys(attributes || {}).forEach(function (name) {
            if (attributes[name] !== null && attributes[name] !== undefined && attributes[name] !== false) {
                node.setAttribute(name, attributes[name]);
            }
        });
        if (text !== undefined) {
            node.textContent = text;
        }
        return node;
    }

    function edge(className, start) {
        return start ? className + " scorecard-domain-start" : className;
    }

    function table(spec) {
        // Named by aria-label rather than a hidden caption, which overflowed the scroll box by a pixel.
        var root = element("table", {"class": "scorecard-table", lang: "en", "aria-label": spec.caption,
                                     "data-flag-to": spec.flag || null});
        var head = element("thead");
        var domains = element("tr");
        domains.appendChild(element("th", {rowspan: 2, scope: "col", "class": "scorecard-corner"}, spec.corner));
        spec.domains.forEach(function (d) {
            domains.appendChild(element("th", {colspan: d.span, scope: "colgroup", "data-domain": d.domain,
                                               "class": edge("scorecard-domain", d.start)}, d.text));
        });
        var names = element("tr");
        spec.columns.forEach(function (c) {
            var th = element("th", {scope: "col", "data-indicator": c.indicator, "data-domain": c.domain,
                                    "class": edge("scorecard-column", c.start)});
            th.appendChild(element("a", {href: c.href, title: c.title, "aria-label": c.name}, c.text));
            th.appendChild(element("span", {"class": "scorecard-unit"}, c.unit));
            if (c.period) {  // a published source's column: the period it shows, as published
                th.appendChild(element("span", {"class": "scorecard-period"}, c.period));
            }
            names.appendChild(th);
        });
        // Each column's standard in a row of its own under the names, where the room reads it.
        var standards = element("tr", {"class": "scorecard-standards"});
        standards.appendChild(element("th", {scope: "row", "class": "scorecard-corner scorecard-standard-name"},
                                      spec.standard));
        spec.columns.forEach(function (c) {
            standards.appendChild(element("th", {"data-domain": c.domain, title: c.standard_title,
                                                 "class": edge("scorecard-standard", c.start)}, c.standard));
        });
        head.appendChild(domains);
        head.appendChild(names);
        head.appendChild(standards);
        root.appendChild(head);
        var body = element("tbody");
        spec.rows.forEach(function (r, n) {
            var tr = element("tr", {"class": n < (spec.first_rows === undefined ? 1 : spec.first_rows) ?
                                             "scorecard-parent" : null});
            var th = element("th", {scope: "row", "class": "scorecard-row", "data-entity": r.entity});
            // A published source's row (a state) has no page of its own: its name is text.
            // A provider's row (pages/providers.py): its contract in the name's title.
            th.appendChild(r.href ? element("a", {href: r.href, title: r.title}, r.name)
                                  : element("span", {title: r.title}, r.name));
            tr.appendChild(th);
            r.cells.forEach(function (cell, i) {
                var c = spec.columns[i];
                var td = element("td", {"data-entity": r.entity, "data-indicator": c.indicator,
                                        "data-domain": c.domain,
                                        "class": edge("scorecard-cell " + cell.status, c.start)});
                td.style.backgroundColor = cell.colour;
                if (spec.flag) {
                    if (cell.agenda) {
                        td.classList.add("scorecard-on-agenda");
                    }
                    td.appendChild(element("button", {type: "button", "class": "scorecard-flag", title: cell.title,
                                                      "aria-label": cell.label}, cell.text));
                } else {
                    td.appendChild(element("a", {href: cell.href, title: cell.title}, cell.text));
                }
                tr.appendChild(td);
            });
            body.appendChild(tr);
        });
        root.appendChild(body);
        return root;
    }

    function refocus(box, place) {
        var found = Array.prototype.find.call(box.querySelectorAll(place[0]), function (el) {
            return el.getAttribute("data-entity") === place[1] && el.getAttribute("data-indicator") === place[2];
        });
        var target = found && found.querySelector("a, button");
        if (target) {
            target.focus({preventScroll: true});
        }
    }

    // A meeting's cell pressed: its indicator and entity to the store the table names (a new object each time, so
    // pressing the same cell twice is two requests; the second is told it is on the agenda already).
    document.addEventListener("click", function (event) {
        var button = event.target.closest ? event.target.closest(".scorecard-table button.scorecard-flag") : null;
        var td = button && button.closest("td");
        var target = button && button.closest("table").getAttribute("data-flag-to");
        if (!td || !target || !window.dash_clientside.set_props) {
            return;
        }
        window.dash_clientside.set_props(target, {data: {indicator: td.getAttribute("data-indicator"),
                                                         entity: td.getAttribute("data-entity"),
                                                         at: Date.now()}});
    });

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        scorecard: {
            // Draw `spec` into the element `boxId` (nothing when there is none); the number of rows drawn.
            draw: function (spec, boxId) {
                var box = document.getElementById(boxId);
                if (!box) {
                    return window.dash_clientside.no_update;
                }
                // A live redraw (a new data version, components/live.py) and a meeting's redraw after a cell was
                // flagged keep the reader's place in the table, and the keyboard's: the same cell keeps the focus.
                var top = box.scrollTop, left = box.scrollLeft;
                var focused = box.contains(document.activeElement) && document.activeElement.closest("td, th");
                var place = focused && [focused.tagName, focused.getAttribute("data-entity"),
                                        focused.getAttribute("data-indicator")];
                box.replaceChildren();
                box.classList.toggle("scorecard-nothing", !spec || !spec.rows);  // no "Drawing…" under a message
                if (!spec || !spec.rows) {
                    return 0;
                }
                box.appendChild(table(spec));
                box.scrollTop = spec.keep_place ? top : 0;
                box.scrollLeft = spec.keep_place ? left : 0;
                if (spec.keep_place && place) {
                    refocus(box, place);
                }
                return spec.rows.length;
            }
        }
    });

    document.addEventListener("click", function (event) {
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey ||
                event.altKey) {
            return;
        }
        var link = event.target.closest ? event.target.closest(".scorecard-table a") : null;
        var href = link && link.getAttribute("href");
        if (!href || href.charAt(0) !== "/" || href.charAt(1) === "/") {
            return;
        }
        event.preventDefault();
        window.history.pushState({}, "", href);
        window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
        window.scrollTo(0, 0);
    });
}());
