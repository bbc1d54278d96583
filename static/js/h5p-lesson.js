/* The H5P tasks of a lesson: each [data-h5p-player] is played by h5p-standalone (loaded before this file) from
   our own address, in "div" mode (no inline script: the site's Content-Security-Policy allows none), one after
   another as the player requires. Every xAPI statement a task sends is posted to the task's statements URL with
   the CSRF token; the server checks it, keeps it and answers with the lesson's state, which is shown in the
   lesson's status line ([data-h5p-state]). Without JavaScript the page says what to do (<noscript>). */
(function () {
  "use strict";
  if (window.kuzbassH5PLesson) {
    return; // a lesson with several tasks includes this file once per task
  }
  window.kuzbassH5PLesson = true;
  var EXTENSION_CONTENT_ID = "http://h5p.org/x-api/h5p-local-content-id";

  function csrfToken() {
    var field = document.querySelector("[data-h5p-state] input[name=csrfmiddlewaretoken]");
    if (field) {
      return field.value;
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function note(player, text, alert) {
    var line = player.parentNode.querySelector(".h5p-note");
    if (!line) {
      line = document.createElement("p");
      line.className = "h5p-note";
      player.parentNode.insertBefore(line, player.nextSibling);
    }
    line.setAttribute("role", alert ? "alert" : "status");
    line.textContent = text;
    line.hidden = !text;
  }

  function showState(answer) {
    var state = document.querySelector("[data-h5p-state]");
    if (!state || !answer) {
      return;
    }
    var message = state.querySelector("[data-h5p-message]");
    if (answer.message && message && message.textContent !== answer.message) {
      message.textContent = answer.message;
    }
    if (answer.lesson_done) {
      state.querySelector("[data-h5p-done]").hidden = false;
    }
  }

  function send(player, statement) {
    return fetch(player.dataset.statementsUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify(statement)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (!response.ok) {
          throw new Error(answer.error || String(response.status));
        }
        note(player, "", false);
        showState(answer);
      });
    }).catch(function () {
      note(player, player.dataset.notSaved, true);
    });
  }

  function listen(players) {
    window.H5P.externalDispatcher.on("xAPI", function (event) {
      var statement = event.data && event.data.statement;
      var blockId = event.getVerifiedStatementValue(["object", "definition", "extensions", EXTENSION_CONTENT_ID]);
      var player = players[blockId];
      if (statement && player) {
        send(player, statement);
      }
    });
  }

  function start() {
    var found = document.querySelectorAll("[data-h5p-player]");
    if (!found.length || !window.H5PStandalone || !window.fetch || !window.Promise) {
      return;
    }
    var players = {};
    var chain = Promise.resolve();
    var listening = false;
    Array.prototype.forEach.call(found, function (player) {
      players[player.dataset.blockId] = player;
      note(player, player.dataset.loading, false);
      chain = chain.then(function () {
        var translations = {};
        try {
          translations = JSON.parse(player.dataset.l10n || "{}");
        } catch (error) { /* the player keeps its English words */ }
        return new window.H5PStandalone.H5P(player, {
          id: player.dataset.blockId,
          h5pJsonPath: player.dataset.h5pPath.replace(/\/$/, ""),
          frameJs: player.dataset.frameJs,
          frameCss: player.dataset.frameCss,
          embedType: "div",
          frame: false,
          copyright: false,
          export: false,
          icon: false,
          fullScreen: false,
          xAPIObjectIRI: player.dataset.objectIri,
          translations: translations
        }).then(function () {
          note(player, "", false);
          player.setAttribute("data-h5p-ready", "true");
          if (!listening && window.H5P && window.H5P.externalDispatcher) {
            listen(players);
            listening = true;
          }
        }, function () {
          note(player, player.dataset.failed, true);
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
