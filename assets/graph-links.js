// Links inside Plotly figures (the heat map's row and column names) navigate inside the app, as a
// dcc.Link does, instead of reloading the page. Without this script they still work, as plain links.
document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
        return;
    }
    var link = event.target.closest ? event.target.closest(".js-plotly-plot a") : null;
    if (!link) {
        return;
    }
    var href = link.getAttribute("href") || link.getAttribute("xlink:href");
    if (!href || href.charAt(0) !== "/") {
        return;
    }
    event.preventDefault();
    window.history.pushState({}, "", href);
    window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    window.scrollTo(0, 0);
});
