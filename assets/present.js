// Presentation mode (web/present.py): `present=1` in the address puts `presenting` on <body>, which
// assets/present.css reads (chrome hidden, large type, high contrast). In presentation the arrow keys and
// PageUp/PageDown step through the open meeting's agenda items, or through the scorecard's domains (cells
// carrying data-domain inside #scorecard-heatmap), one at a time; Esc leaves, as leaving full screen does.
(function () {
    "use strict";
    var NEXT = {ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1};
    var state = {key: null, index: 0};
    var enteredFullscreen = false;

    function presentOn(search) {
        return new URLSearchParams(search).getAll("present").indexOf("1") >= 0;
    }

    function presenting() {
        return presentOn(window.location.search);
    }

    function go(href) {
        // As dcc.Link does: Dash's router draws the page for the new address without a reload, so full
        // screen, which a reload would end, stays.
        window.history.pushState({}, "", href);
        window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
        sync();
    }

    function withPresent(on) {
        var url = new URL(window.location.href);
        url.searchParams.delete("present");
        if (on) {
            url.searchParams.set("present", "1");
        }
        return url.pathname + url.search + url.hash;
    }

    function enter() {
        var root = document.documentElement;
        if (root.requestFullscreen && !document.fullscreenElement) {
            root.requestFullscreen().then(function () {
                enteredFullscreen = true;
            }).catch(function () {
                // Refused (no user gesture, or a browser that allows none): the page presents in the window.
            });
        }
        if (!presenting()) {
            go(withPresent(true));
        }
    }

    function leave() {
        enteredFullscreen = false;
        if (document.fullscreenElement && document.exitFullscreen) {
            document.exitFullscreen().catch(function () {});
        }
        if (presenting()) {
            go(withPresent(false));
        }
    }

    // What steps: the meeting's agenda items, else the scorecard's domains.
    function pages() {
        var items = Array.prototype.slice.call(document.querySelectorAll("#meeting-agenda .meeting-item"));
        if (items.length) {
            return {kind: "item", names: items.map(function (el) { return el.id; }), elements: items};
        }
        var cells = Array.prototype.slice.call(document.querySelectorAll("#scorecard-heatmap [data-domain]"));
        var names = [];
        cells.forEach(function (el) {
            var domain = el.getAttribute("data-domain");
            if (domain && names.indexOf(domain) < 0) {
                names.push(domain);
            }
        });
        return {kind: "domain", names: names, elements: cells};
    }

    function counter() {
        var el = document.getElementById("present-counter");
        if (!el) {
            el = document.createElement("div");
            el.id = "present-counter";
            el.setAttribute("role", "status");
            el.setAttribute("aria-live", "polite");
            document.body.appendChild(el);
        }
        return el;
    }

    function apply() {
        var on = presenting();
        var found = pages();
        var key = window.location.pathname + window.location.search;
        if (state.key !== key) {
            state = {key: key, index: 0};
        }
        var show = on && found.names.length > 0;
        state.index = Math.max(0, Math.min(state.index, found.names.length - 1));
        var current = found.names[state.index];
        found.elements.forEach(function (el) {
            var name = found.kind === "item" ? el.id : el.getAttribute("data-domain");
            el.classList.toggle("present-off", show && name !== current);
        });
        var box = counter();
        var text = !show ? "" : (found.kind === "item" ? "Item " + (state.index + 1) + " of " + found.names.length
            : current + ": domain " + (state.index + 1) + " of " + found.names.length) + "  ·  ← → step, Esc leaves";
        box.hidden = !show;
        if (box.textContent !== text) {  // a change of text is a mutation, which would call this again
            box.textContent = text;
        }
        document.body.setAttribute("data-present-page", show ? String(state.index + 1) : "");
    }

    function step(by) {
        var found = pages();
        if (!found.names.length) {
            return false;
        }
        state.index = Math.max(0, Math.min(state.index + by, found.names.length - 1));
        apply();
        window.scrollTo(0, 0);
        return true;
    }

    function sync() {
        document.body.classList.toggle("presenting", presenting());
        apply();
    }

    // A link to another page keeps presentation on (a dcc.Link's own handler would drop `present`).
    // Downloads, sign-in and sign-out, and Dash's own routes are not pages.
    var NOT_PAGES = /^\/(export|login|logout|assets|_)/;
    document.addEventListener("click", function (event) {
        if (!presenting() || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
            return;
        }
        var link = event.target.closest ? event.target.closest("a[href]") : null;
        if (!link || link.hasAttribute("download") || link.target === "_blank") {
            return;
        }
        var url = new URL(link.getAttribute("href"), window.location.href);
        if (url.origin !== window.location.origin || NOT_PAGES.test(url.pathname)) {
            return;
        }
        event.preventDefault();
        event.stopPropagation();
        url.searchParams.set("present", "1");
        go(url.pathname + url.search);
        window.scrollTo(0, 0);
    }, true);

    document.addEventListener("click", function (event) {
        var button = event.target.closest ? event.target.closest("#present-button") : null;
        if (button) {
            event.preventDefault();
            enter();
        }
    });

    document.addEventListener("keydown", function (event) {
        if (!presenting() || event.altKey || event.ctrlKey || event.metaKey) {
            return;
        }
        var target = event.target;
        var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
        if (event.key === "Escape") {
            event.preventDefault();
            leave();
        } else if (!typing && NEXT[event.key] && step(NEXT[event.key])) {
            event.preventDefault();
        }
    });

    // Esc in full screen is the browser's: it ends full screen without a keydown reaching the page.
    document.addEventListener("fullscreenchange", function () {
        if (!document.fullscreenElement && enteredFullscreen) {
            leave();
        }
    });

    window.addEventListener("popstate", sync);
    window.addEventListener("_dashprivate_pushstate", function () { window.setTimeout(sync, 0); });

    var queued = false;
    function later() {
        if (!queued) {
            queued = true;
            window.requestAnimationFrame(function () {
                queued = false;
                sync();
            });
        }
    }

    function start() {
        sync();
        // Pages draw their content after load (callbacks): page it as it arrives. Only added or removed nodes
        // are watched, so the classes set here do not call this again.
        new MutationObserver(later).observe(document.body, {childList: true, subtree: true});
    }

    if (document.body) {
        start();
    } else {
        document.addEventListener("DOMContentLoaded", start);
    }
}());
