"""A small SCO of our own: HTML and JavaScript that page through a few questions and talk to the LMS the way the
content exported by authoring tools does (iSpring, Articulate, Adapt). The demo's SCORM lesson is built from it
(cms/demo_scorm.py), and so are the tests' real packages (tests/courses/packages/scos.py).

What the SCO does, as such content does:
- finds the LMS's API object by walking ``window.parent`` up to the top, then ``window.opener`` (the ADL discovery
  algorithm that iSpring's and Articulate's runtimes and the pipwerks wrapper use); or lets the pipwerks wrapper
  find it (``"wrapper": "pipwerks"``: the page must load the wrapper's bundle, which puts ``SCORM`` on ``exports``);
- Initialize / LMSInitialize; reads ``entry``, ``location`` / ``lesson_location`` and ``suspend_data`` and resumes on
  the page where the learner left, with her answers; a first launch is marked incomplete (never completed on the
  first click);
- on every page turn stores the page in the location, the answers in suspend_data, records the answered questions
  as interactions (choice, true-false, fill-in, numeric; sequencing and matching in 2004) and commits;
- at the end sets the score (raw, min, max; scaled in 2004), the status (1.2: passed / failed, or completed when
  the SCO asks nothing; 2004: completion, success, progress measure), session_time, exit, then Terminate /
  LMSFinish; a learner who leaves before the end gets exit = suspend and Terminate on ``pagehide``.

Scripts and styles are separate files and the configuration a JSON data block, so that the SCO runs under a
Content-Security-Policy without 'unsafe-inline'.

The configuration (``sco_page(config)``)::

    {"version": "1.2" | "2004", "wrapper": "own" | "pipwerks", "title": "...", "passing": 0.7,
     "pages": [{"title": "...", "text": "<p>...</p>", "question": {...}}, ...]}

A question: ``{"id", "type", "prompt", "weighting"}`` and, by type: ``choice``: ``options`` [[value, label], ...]
and ``correct`` (a value); ``true-false``: ``correct`` (bool); ``fill-in``: ``correct`` (accepted answers, compared
without case); ``numeric``: ``correct`` (a number); ``sequencing``: ``options`` and ``correct`` (values in order);
``matching``: ``options`` (sources), ``targets`` [[value, label], ...], ``correct`` {source: target}.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

SCO_SCRIPT = r"""/* A SCO of the Kuzbass LMS's own (courses/packages/sample_sco.py). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("sco-config").textContent);
  var is2004 = config.version === "2004";
  var pages = config.pages;
  var startedAt = new Date();
  var lms = null, finished = false, left = false;
  var state = {p: 0, a: {}, v: [0], r: {}, n: 0};   // page, answers, visited pages, recorded responses, next index
  var $ = function (id) { return document.getElementById(id); };

  // --- Finding the LMS's API: up the frames to the top, then the opener (the ADL algorithm) ----------------------
  function searchFrames(win, name) {
    var tries = 0;
    try {
      while (win && !win[name] && win.parent && win.parent !== win && tries < 500) { tries += 1; win = win.parent; }
      return win && win[name] ? win[name] : null;
    } catch (error) { return null; }     // a frame of another origin: no API up there
  }
  function findApi(name) {
    var api = searchFrames(window, name);
    try {
      if (!api && window.opener) { api = searchFrames(window.opener, name); }
      if (!api && window.top && window.top.opener) { api = searchFrames(window.top.opener, name); }
    } catch (error) { api = null; }
    return api;
  }
  function ownConnection() {
    var api = findApi(is2004 ? "API_1484_11" : "API");
    if (!api) { return null; }
    var m = is2004
      ? {init: "Initialize", get: "GetValue", set: "SetValue", commit: "Commit", finish: "Terminate"}
      : {init: "LMSInitialize", get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit", finish: "LMSFinish"};
    return {
      init: function () { return String(api[m.init]("")) === "true"; },
      get: function (name) { return String(api[m.get](name)); },
      set: function (name, value) { return String(api[m.set](name, String(value))) === "true"; },
      commit: function () { return String(api[m.commit]("")) === "true"; },
      finish: function () { return String(api[m.finish]("")) === "true"; }
    };
  }
  function pipwerksConnection() {
    var scorm = window.exports && window.exports.SCORM;   // the wrapper's npm bundle exports pipwerks this way
    if (!scorm) { return null; }
    scorm.version = config.version;
    if (!scorm.API.getHandle()) { return null; }
    return {
      init: function () { return scorm.init(); },
      get: function (name) { return String(scorm.get(name)); },
      set: function (name, value) { return scorm.set(name, String(value)); },
      commit: function () { return scorm.save(); },
      finish: function () { return scorm.quit(); }
    };
  }

  // --- Data model names of each edition ---------------------------------------------------------------------------
  var N = is2004
    ? {entry: "cmi.entry", location: "cmi.location", exit: "cmi.exit", session: "cmi.session_time",
       response: "learner_response", wrong: "incorrect", time: "timestamp"}
    : {entry: "cmi.core.entry", location: "cmi.core.lesson_location", exit: "cmi.core.exit",
       session: "cmi.core.session_time", response: "student_response", wrong: "wrong", time: "time"};
  function pad(number, width) { var text = String(number); while (text.length < width) { text = "0" + text; } return text; }
  function elapsed(since) {
    var seconds = Math.max(0, (new Date() - since) / 1000);
    var hours = Math.floor(seconds / 3600), minutes = Math.floor(seconds / 60) % 60, rest = seconds % 60;
    if (is2004) { return "PT" + hours + "H" + minutes + "M" + rest.toFixed(2) + "S"; }
    return pad(hours, 4) + ":" + pad(minutes, 2) + ":" + pad(Math.floor(rest), 2) + "." + pad(Math.floor((rest % 1) * 100), 2);
  }
  function clock(moment) {
    var time = pad(moment.getHours(), 2) + ":" + pad(moment.getMinutes(), 2) + ":" + pad(moment.getSeconds(), 2);
    if (!is2004) { return time; }
    return moment.getFullYear() + "-" + pad(moment.getMonth() + 1, 2) + "-" + pad(moment.getDate(), 2) + "T" + time;
  }
  function say(text) { $("sco-status").textContent = text; }

  // --- Questions: the answer as the form holds it, the response as SCORM writes it, and its correctness -----------
  function questionOf(page) { return pages[page] && pages[page].question; }
  function answered(question) {
    var answer = state.a[question.id];
    if (answer === undefined || answer === "") { return false; }
    if (question.type === "sequencing" || question.type === "matching") {
      var values = question.type === "sequencing" ? answer : Object.keys(answer).map(function (k) { return answer[k]; });
      return values.length === question.options.length && values.every(function (v) { return v; });
    }
    return true;
  }
  function responseOf(question) {
    var answer = state.a[question.id];
    switch (question.type) {
      case "true-false": return is2004 ? answer : (answer === "true" ? "t" : "f");
      case "sequencing": return answer.join(is2004 ? "[,]" : ",");
      case "matching": return question.options.map(function (o) {
        return o[0] + (is2004 ? "[.]" : ".") + answer[o[0]]; }).join(is2004 ? "[,]" : ",");
      default: return String(answer);
    }
  }
  function patternOf(question) {
    switch (question.type) {
      case "true-false": return is2004 ? String(question.correct) : (question.correct ? "t" : "f");
      case "fill-in": return question.correct[0];
      case "numeric": return is2004 ? question.correct + "[:]" + question.correct : String(question.correct);
      case "sequencing": return question.correct.join(is2004 ? "[,]" : ",");
      case "matching": return question.options.map(function (o) {
        return o[0] + (is2004 ? "[.]" : ".") + question.correct[o[0]]; }).join(is2004 ? "[,]" : ",");
      default: return String(question.correct);
    }
  }
  function isCorrect(question) {
    if (!answered(question)) { return false; }
    var answer = state.a[question.id];
    switch (question.type) {
      case "true-false": return answer === String(question.correct);
      case "fill-in": return question.correct.some(function (c) {
        return c.toLowerCase() === String(answer).trim().toLowerCase(); });
      case "numeric": return parseFloat(answer) === question.correct;
      case "sequencing": return answer.join(",") === question.correct.join(",");
      case "matching": return question.options.every(function (o) { return answer[o[0]] === question.correct[o[0]]; });
      default: return answer === question.correct;
    }
  }
  function record(question) {
    if (!lms || !answered(question) || (question.type === "numeric" && isNaN(parseFloat(state.a[question.id])))) { return; }
    var response = responseOf(question);
    if (state.r[question.id] === response) { return; }
    var counted = parseInt(lms.get("cmi.interactions._count"), 10);
    // Appended at _count as the LMS knows it (what it restored, in 1.2 often nothing); our own count only when the
    // LMS gives none.
    var n = isNaN(counted) ? state.n : counted, p = "cmi.interactions." + n + ".";
    lms.set(p + "id", question.id);
    lms.set(p + "type", question.type);
    if (is2004) { lms.set(p + "description", question.prompt.slice(0, 250)); }
    lms.set(p + "weighting", question.weighting || 1);
    lms.set(p + N.response, response);
    lms.set(p + "correct_responses.0.pattern", patternOf(question));
    lms.set(p + "result", isCorrect(question) ? "correct" : N.wrong);
    lms.set(p + "latency", elapsed(state.shownAt || startedAt));
    lms.set(p + N.time, clock(new Date()));
    state.r[question.id] = response;
    state.n = n + 1;
  }

  // --- Pages ----------------------------------------------------------------------------------------------------
  function control(question) {
    var answer = state.a[question.id], html = "";
    var name = "answer-" + question.id;
    function choice(value, label, checked) {
      return '<label class="sco-option"><input type="radio" name="' + name + '" value="' + value + '"' +
        (checked ? " checked" : "") + "> " + label + "</label>";
    }
    function select(id, label, options, chosen) {
      return '<label class="sco-option" for="' + id + '">' + label + "</label> <select id=\"" + id + '">' +
        '<option value="">—</option>' + options.map(function (o) {
          return '<option value="' + o[0] + '"' + (chosen === o[0] ? " selected" : "") + ">" + o[1] + "</option>";
        }).join("") + "</select>";
    }
    switch (question.type) {
      case "true-false":
        return choice("true", "Верно", answer === "true") + choice("false", "Неверно", answer === "false");
      case "fill-in":
      case "numeric":
        return '<label class="sco-option" for="' + name + '">Ваш ответ</label> <input id="' + name + '" ' +
          (question.type === "numeric" ? 'inputmode="decimal"' : 'type="text"') + ' value="' +
          String(answer === undefined ? "" : answer).replace(/"/g, "&quot;") + '">';
      case "sequencing":
        return question.options.map(function (o, i) {
          return "<div>" + select(name + "-" + i, (i + 1) + "-е место", question.options, (answer || [])[i]) + "</div>";
        }).join("");
      case "matching":
        return question.options.map(function (o, i) {
          return "<div>" + select(name + "-" + i, o[1], question.targets, (answer || {})[o[0]]) + "</div>";
        }).join("");
      default:
        return question.options.map(function (o) { return choice(o[0], o[1], answer === o[0]); }).join("");
    }
  }
  function readAnswer(question) {
    var name = "answer-" + question.id;
    if (question.type === "choice" || question.type === "true-false") {
      var checked = document.querySelector('input[name="' + name + '"]:checked');
      if (checked) { state.a[question.id] = checked.value; }
    } else if (question.type === "fill-in" || question.type === "numeric") {
      var typed = $(name).value.trim();
      if (typed) { state.a[question.id] = typed; } else { delete state.a[question.id]; }
    } else if (question.type === "sequencing") {
      state.a[question.id] = question.options.map(function (o, i) { return $(name + "-" + i).value; });
    } else if (question.type === "matching") {
      var pairs = {};
      question.options.forEach(function (o, i) { pairs[o[0]] = $(name + "-" + i).value; });
      state.a[question.id] = pairs;
    }
  }
  function show(page) {
    state.p = page;
    state.shownAt = new Date();
    if (state.v.indexOf(page) < 0) { state.v.push(page); }
    var data = pages[page], question = data.question;
    $("sco-counter").textContent = "Страница " + (page + 1) + " из " + pages.length;
    $("sco-page-title").textContent = data.title;
    $("sco-text").innerHTML = data.text || "";
    $("sco-question").innerHTML = question
      ? "<fieldset><legend>" + question.prompt + "</legend>" + control(question) + "</fieldset>" : "";
    $("sco-back").hidden = page === 0;
    $("sco-next").hidden = page === pages.length - 1;
    $("sco-finish").hidden = page !== pages.length - 1;
  }
  function save() {
    if (!lms || finished) { return; }
    lms.set(N.location, String(state.p));
    lms.set("cmi.suspend_data", JSON.stringify({p: state.p, a: state.a, v: state.v, r: state.r, n: state.n}));
    if (is2004) { lms.set("cmi.progress_measure", (state.v.length / pages.length).toFixed(2)); }
    lms.commit();
  }
  function turn(step) {
    var question = questionOf(state.p);
    if (question) { readAnswer(question); record(question); }
    show(state.p + step);
    save();
    $("sco-page-title").focus();
  }

  // --- The end, and leaving before it -----------------------------------------------------------------------------
  function threshold() {
    var given = lms ? lms.get(is2004 ? "cmi.scaled_passing_score" : "cmi.student_data.mastery_score") : "";
    var number = parseFloat(given);
    if (isNaN(number)) { return config.passing === undefined ? 0.7 : config.passing; }
    return is2004 ? number : number / 100;
  }
  function finish() {
    var question = questionOf(state.p);
    if (question) { readAnswer(question); }
    var questions = pages.map(function (p) { return p.question; }).filter(Boolean);
    questions.forEach(record);
    var right = questions.filter(isCorrect).length;
    var scaled = questions.length ? right / questions.length : 1, passed = scaled >= threshold();
    var percent = Math.round(scaled * 100);
    if (lms) {
      if (questions.length) {
        lms.set(is2004 ? "cmi.score.min" : "cmi.core.score.min", 0);
        lms.set(is2004 ? "cmi.score.max" : "cmi.core.score.max", 100);
        lms.set(is2004 ? "cmi.score.raw" : "cmi.core.score.raw", percent);
        if (is2004) { lms.set("cmi.score.scaled", scaled.toFixed(4)); }
      }
      if (is2004) {
        lms.set("cmi.progress_measure", "1");
        lms.set("cmi.completion_status", "completed");
        if (questions.length) { lms.set("cmi.success_status", passed ? "passed" : "failed"); }
      } else {
        lms.set("cmi.core.lesson_status", questions.length ? (passed ? "passed" : "failed") : "completed");
      }
      lms.set(N.location, String(state.p));
      lms.set("cmi.suspend_data", JSON.stringify({p: state.p, a: state.a, v: state.v, r: state.r, n: state.n}));
      lms.set(N.session, elapsed(startedAt));
      lms.set(N.exit, is2004 ? "normal" : "");
      lms.commit();
      lms.finish();
    }
    finished = true;
    document.body.classList.add("sco-finished");
    ["sco-back", "sco-next", "sco-finish"].forEach(function (id) { $(id).hidden = true; });
    say(questions.length
      ? "Результат: " + percent + " %. " + (passed ? "Тест пройден." : "Тест не пройден: попробуйте ещё раз.")
      : "Раздел изучен.");
  }
  function leave() {
    if (left || finished || !lms) { return; }
    left = true;
    var question = questionOf(state.p);
    if (question) { readAnswer(question); record(question); }
    save();
    lms.set(N.session, elapsed(startedAt));
    lms.set(N.exit, "suspend");
    lms.commit();
    lms.finish();
  }

  // --- Start ----------------------------------------------------------------------------------------------------
  function start() {
    lms = config.wrapper === "pipwerks" ? pipwerksConnection() : ownConnection();
    if (!lms || !lms.init()) {
      lms = null;
      say("Система обучения не найдена: ответы не будут сохранены.");
      show(0);
      return;
    }
    var resumed = false;
    var entry = lms.get(N.entry), suspended = lms.get("cmi.suspend_data");
    if (suspended && entry !== "ab-initio") {
      try {
        var saved = JSON.parse(suspended);
        state.a = saved.a || {}; state.v = saved.v || [0]; state.r = saved.r || {}; state.n = saved.n || 0;
        var at = parseInt(lms.get(N.location), 10);
        state.p = isNaN(at) ? (saved.p || 0) : at;
        resumed = true;
      } catch (error) { resumed = false; }   // not ours: start from the beginning
    }
    var status = lms.get(is2004 ? "cmi.completion_status" : "cmi.core.lesson_status");
    if (status === "not attempted" || status === "unknown" || status === "") {
      lms.set(is2004 ? "cmi.completion_status" : "cmi.core.lesson_status", "incomplete");
    }
    show(Math.min(state.p, pages.length - 1));
    save();
    say(resumed ? "Вы продолжаете с того места, где остановились." : "Связь с системой обучения установлена.");
    document.body.setAttribute("data-sco-ready", resumed ? "resumed" : "started");
  }

  $("sco-next").addEventListener("click", function () { turn(1); });
  $("sco-back").addEventListener("click", function () { turn(-1); });
  $("sco-finish").addEventListener("click", finish);
  window.addEventListener("pagehide", leave);
  window.addEventListener("beforeunload", leave);
  start();
}());
"""

SCO_STYLE = """body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:1rem 1.25rem;color:#1a1a1a;background:#fff}
h1{font-size:1.35rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1rem 0 .5rem}
#sco-counter{color:#555;margin:0}#sco-status{min-height:1.5em;font-weight:600}
fieldset{border:1px solid #bbb;border-radius:6px;padding:.75rem 1rem;margin:1rem 0}legend{font-weight:600}
.sco-option{display:block;margin:.35rem 0}select,input{font:inherit;padding:.2rem}
nav{display:flex;gap:.75rem;margin-top:1rem}button{font:inherit;padding:.5rem 1.25rem;border-radius:6px;
border:1px solid #0b5394;background:#0b5394;color:#fff;cursor:pointer}button#sco-back{background:#fff;color:#0b5394}
"""


def _json_block(config: dict) -> str:
    # "</" would end the <script> element early; a JSON string may hold it, so it is escaped.
    return json.dumps(config, ensure_ascii=False).replace("</", "<\\/")


def sco_page(config: dict, *, script: str = "sco.js", style: str = "sco.css", scripts_before: tuple = ()) -> str:
    """The SCO's launch page; ``script``/``style`` are the engine's files relative to it, ``scripts_before`` files
    loaded first (the pipwerks wrapper's bundle and what it needs)."""
    before = "".join(f'<script src="{escape(src)}"></script>\n' for src in scripts_before)
    return (f'<!doctype html>\n<html lang="ru">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(config['title'])}</title>\n<link rel=\"stylesheet\" href=\"{escape(style)}\">\n</head>\n"
            f"<body>\n<main>\n<h1>{escape(config['title'])}</h1>\n"
            f'<p id="sco-counter"></p>\n<p id="sco-status" role="status"></p>\n'
            f'<h2 id="sco-page-title" tabindex="-1"></h2>\n<div id="sco-text"></div>\n<div id="sco-question"></div>\n'
            f'<nav aria-label="Страницы">\n<button type="button" id="sco-back">Назад</button>\n'
            f'<button type="button" id="sco-next">Далее</button>\n'
            f'<button type="button" id="sco-finish" hidden>Завершить</button>\n</nav>\n</main>\n'
            f'<script type="application/json" id="sco-config">{_json_block(config)}</script>\n'
            f'{before}<script src="{escape(script)}"></script>\n</body>\n</html>\n')


@dataclass
class ScoEntry:
    """One SCO of a flat package written by ``manifest``."""

    identifier: str
    title: str
    href: str
    files: list[str] = field(default_factory=list)
    mastery_score: int | None = None   # SCORM 1.2's adlcp:masteryscore, in per cent


def manifest_12(*, identifier: str, title: str, scos: list[ScoEntry]) -> str:
    """A SCORM 1.2 manifest: one organization whose items are the SCOs in order."""
    items, resources = [], []
    for number, sco in enumerate(scos, start=1):
        mastery = (f"\n        <adlcp:masteryscore>{sco.mastery_score}</adlcp:masteryscore>"
                   if sco.mastery_score is not None else "")
        items.append(f'      <item identifier={quoteattr(sco.identifier)} identifierref="RES-{number}">\n'
                     f"        <title>{escape(sco.title)}</title>{mastery}\n      </item>\n")
        files = "".join(f"      <file href={quoteattr(name)}/>\n" for name in sco.files or [sco.href])
        resources.append(f'    <resource identifier="RES-{number}" type="webcontent" adlcp:scormtype="sco" '
                         f"href={quoteattr(sco.href)}>\n{files}    </resource>\n")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<manifest identifier={quoteattr(identifier)} version="1.0" '
            'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
            'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">\n'
            "  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>\n"
            '  <organizations default="ORG-1">\n    <organization identifier="ORG-1">\n'
            f"      <title>{escape(title)}</title>\n{''.join(items)}    </organization>\n  </organizations>\n"
            f"  <resources>\n{''.join(resources)}  </resources>\n</manifest>\n")
