/* wsis-kg explorer: language switch, highlight pop-ups, client-side search, network hover.
   Plain browser JavaScript, no library, no network: search shards are <script> files of the
   site itself, so it works from file:// as well as from any static server. */
(function () {
  "use strict";
  var doc = document.documentElement;
  var KEY = "wsis-kg-lang";

  function setLang(lang) {
    doc.setAttribute("data-lang", lang);
    doc.setAttribute("lang", lang);
    try { localStorage.setItem(KEY, lang); } catch (e) { /* storage may be off: keep the default */ }
  }
  var saved = null;
  try { saved = localStorage.getItem(KEY); } catch (e) { saved = null; }
  setLang(saved === "en" ? "en" : "zh");
  Array.prototype.forEach.call(document.querySelectorAll("[data-set-lang]"), function (b) {
    b.addEventListener("click", function () { setLang(b.getAttribute("data-set-lang")); });
  });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  /* labels {zh, en, ""} → the same two-language spans the templates write */
  function label(labels) {
    var span = el("span");
    if (labels.zh && labels.en) {
      var zh = el("span", "l", labels.zh); zh.lang = "zh";
      var en = el("span", "l", labels.en); en.lang = "en";
      span.appendChild(zh); span.appendChild(en);
    } else {
      span.textContent = labels.zh || labels.en || labels[""] || Object.keys(labels).map(function (k) { return labels[k]; })[0] || "";
    }
    return span;
  }

  /* ---------------------------------------------------------------- document highlights */
  var factsNode = document.getElementById("facts");
  var pop = document.getElementById("pop");
  if (factsNode && pop) {
    var facts = JSON.parse(factsNode.textContent);
    var pinned = false, hideTimer = null;
    var show = function (mark, pin) {
      clearTimeout(hideTimer);
      pinned = pin || pinned;
      pop.textContent = "";
      mark.getAttribute("data-f").split(" ").forEach(function (i) {
        var f = facts[+i], box = el("div", "fact");
        box.appendChild(label(f.kind)).className = "kind";
        box.appendChild(el("span", "exact", "“" + f.exact + "”"));
        f.links.forEach(function (l) {
          var line = el("div");
          line.appendChild(label(l[0])).className = "p";
          line.appendChild(document.createTextNode(" "));
          var a = el("a"); a.href = l[2]; a.appendChild(label(l[1]));
          line.appendChild(a);
          box.appendChild(line);
        });
        f.literals.forEach(function (l) {
          var line = el("div");
          line.appendChild(label(l[0])).className = "p";
          line.appendChild(document.createTextNode(" " + l[1]));
          box.appendChild(line);
        });
        var anchor = el("a", "anchor-link", "#" + f.anchor); anchor.href = "#" + f.anchor;
        box.appendChild(anchor);
        pop.appendChild(box);
      });
      var r = mark.getBoundingClientRect();
      pop.style.left = Math.max(4, window.scrollX + r.left) + "px";
      pop.style.top = (window.scrollY + r.bottom + 4) + "px";
      pop.hidden = false;
    };
    var hideSoon = function () {
      if (pinned) return;
      hideTimer = setTimeout(function () { pop.hidden = true; }, 400);
    };
    Array.prototype.forEach.call(document.querySelectorAll("mark[data-f]"), function (m) {
      m.addEventListener("mouseenter", function () { show(m, false); });
      m.addEventListener("mouseleave", hideSoon);
      m.addEventListener("click", function (e) { pinned = false; show(m, true); e.stopPropagation(); });
      m.addEventListener("keydown", function (e) { if (e.key === "Enter") { pinned = false; show(m, true); } });
    });
    pop.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    pop.addEventListener("mouseleave", hideSoon);
    pop.addEventListener("click", function (e) { e.stopPropagation(); });
    document.addEventListener("click", function () { pinned = false; pop.hidden = true; });
    var flash = function () {
      Array.prototype.forEach.call(document.querySelectorAll("mark.flash"), function (m) { m.classList.remove("flash"); });
      var id = decodeURIComponent(location.hash.slice(1));
      var a = id && document.getElementById(id);
      if (!a) return;
      var next = a.nextElementSibling;
      while (next && next.tagName !== "MARK" && next.classList.contains("anchor")) next = next.nextElementSibling;
      if (next && next.tagName === "MARK") next.classList.add("flash");
    };
    window.addEventListener("hashchange", flash);
    flash();
  }

  /* ---------------------------------------------------------------- search */
  var fold = function (s) { return (s || "").normalize("NFKC").toLowerCase(); };
  window.wsisSearch = { labels: [], texts: [], add: function (kind, rows) { Array.prototype.push.apply(this[kind], rows); } };
  var box = document.getElementById("search");
  if (box) {
    var root = document.body.getAttribute("data-root") || "";
    var load = function (kind, n, done) {
      var left = n;
      if (!n) { done(); return; }
      for (var i = 1; i <= n; i++) {
        var s = document.createElement("script");
        s.src = root + "search/" + kind + "-" + i + ".js";
        s.onload = function () { if (--left === 0) done(); };
        document.head.appendChild(s);
      }
    };
    var labelHits = document.getElementById("label-results");
    var textHits = document.getElementById("text-results");
    var none = document.getElementById("no-results");
    var input = document.getElementById("q");
    var loaded = { labels: false, texts: false };
    var run = function () {
      var q = fold(input.value.trim());
      labelHits.textContent = ""; textHits.textContent = "";
      if (!q) { none.hidden = true; return; }
      var found = 0;
      /* rows: [zh, en, other names, href, kind] */
      wsisSearch.labels.forEach(function (r) {
        if (found >= 200) return;
        if (fold(r[0]).indexOf(q) >= 0 || fold(r[1]).indexOf(q) >= 0 || fold(r[2]).indexOf(q) >= 0) {
          var li = el("li"), a = el("a");
          a.href = root + r[3]; a.appendChild(label({ zh: r[0], en: r[1], "": r[2] }));
          li.appendChild(a); li.appendChild(el("small", "kind", " · " + r[4]));
          labelHits.appendChild(li); found++;
        }
      });
      var texts = 0;
      /* rows: [zh title, en title, href, text] */
      wsisSearch.texts.forEach(function (r) {
        if (texts >= 100) return;
        var at = fold(r[3]).indexOf(q);
        if (at < 0) return;
        var li = el("li"), a = el("a");
        a.href = root + r[2]; a.appendChild(label({ zh: r[0], en: r[1] }));
        li.appendChild(a);
        var snip = el("span", "snippet");
        snip.appendChild(document.createTextNode("…" + r[3].slice(Math.max(0, at - 40), at)));
        snip.appendChild(el("mark", "", r[3].slice(at, at + q.length)));
        snip.appendChild(document.createTextNode(r[3].slice(at + q.length, at + q.length + 60) + "…"));
        li.appendChild(snip);
        textHits.appendChild(li); texts++;
      });
      none.hidden = found + texts > 0;
    };
    var start = function () {
      if (loaded.labels && loaded.texts) { run(); return; }
      load("labels", +box.getAttribute("data-labels"), function () {
        loaded.labels = true;
        run();
        load("texts", +box.getAttribute("data-texts"), function () { loaded.texts = true; run(); });
      });
    };
    document.getElementById("searchform").addEventListener("submit", function (e) {
      e.preventDefault();
      history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
      start();
    });
    var params = new URLSearchParams(location.search);
    if (params.get("q")) { input.value = params.get("q"); start(); }
  }

  /* ---------------------------------------------------------------- network hover */
  Array.prototype.forEach.call(document.querySelectorAll(".network svg [data-n]"), function (node) {
    var id = node.getAttribute("data-n");
    var edges = document.querySelectorAll('.network svg line[data-a="' + id + '"], .network svg line[data-b="' + id + '"]');
    node.addEventListener("mouseenter", function () { Array.prototype.forEach.call(edges, function (e) { e.classList.add("on"); }); });
    node.addEventListener("mouseleave", function () { Array.prototype.forEach.call(edges, function (e) { e.classList.remove("on"); }); });
  });
})();
