/* The SCORM player of a SCORM lesson page (templates/courses/scorm_lesson_page.html).

   1. Reads the settings the server wrote (#scorm-config), creates the run-time API with scorm-again (loaded just
      before this file: scorm12.min.js or scorm2004.min.js) as window.API (SCORM 1.2) or window.API_1484_11 (2004),
      loads the saved data into it, and only then gives the SCO's frame its address, so the SCO finds the API.
   2. Every LMSCommit/Commit is posted to the server (a synchronous request, as SCORM expects; the CSRF token in a
      header); LMSFinish/Terminate and leaving the page go by navigator.sendBeacon (the token inside the body, since a
      beacon has no headers). Every request says which attempt, SCO and session it belongs to.
   3. A failed save or refused elements are shown in #scorm-status (role=status) in the server's words.
   4. After LMSFinish/Terminate the page moves on: to the next SCO, or to the lesson page without the frame.
   The texts come from the server (translated); this file has none of its own. */
(function () {
  "use strict";
  var configElement = document.getElementById("scorm-config");
  var frame = document.getElementById("scorm-frame");
  var status = document.getElementById("scorm-status");
  if (!configElement || !frame) {
    return;
  }
  var config = JSON.parse(configElement.textContent);
  var ApiClass = config.scorm12 ? window.Scorm12API : window.Scorm2004API;
  if (!ApiClass) {
    return;
  }
  var leaving = false;

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "scorm-status is-error" : "scorm-status";
  }

  function wrap(elements) {
    return {csrf: config.csrf, attempt: config.attempt, sco: config.sco, session: config.session,
            elements: elements};
  }

  function handleResponse(xhr) {
    var data = null;
    try {
      data = JSON.parse(xhr.responseText);
    } catch (error) {
      data = null;
    }
    if (xhr.status >= 200 && xhr.status < 300 && data && data.result === true) {
      if (data.errors && data.errors.length) {
        say(config.text.refused + " " + data.errors.join(" "), true);
      } else if (status.className.indexOf("is-error") !== -1) {
        say(config.text.saved, false);
      }
      return {result: true, errorCode: 0};
    }
    say((data && data.message) || config.text.failed, true);
    return {result: false, errorCode: 101};
  }

  var api = new ApiClass({
    lmsCommitUrl: config.commitUrl || false,
    dataCommitFormat: "flattened",
    autocommit: !!config.commitUrl,
    autocommitSeconds: 30,
    xhrHeaders: {"X-CSRFToken": config.csrf},
    requestHandler: function (elements) { return wrap(elements); },
    xhrResponseHandler: handleResponse,
    logLevel: 4
  });
  api.loadFromFlattenedJSON(config.elements, "");
  if (config.scorm12) {
    window.API = api;
  } else {
    window.API_1484_11 = api;
  }

  function sendBeacon() {
    if (!config.commitUrl || !navigator.sendBeacon || !api.isInitialized() || api.isTerminated()) {
      return;
    }
    var body = JSON.stringify(wrap(api.renderCommitCMI(true)));
    navigator.sendBeacon(config.commitUrl, new Blob([body], {type: "text/plain;charset=UTF-8"}));
  }

  function finished() {
    // The SCO closed itself: move on, unless the whole page is going away anyway.
    window.setTimeout(function () {
      if (!leaving) {
        window.location.assign(config.nextUrl || config.closedUrl);
      }
    }, 300);
  }

  api.on(config.scorm12 ? "LMSFinish" : "Terminate", finished);
  window.addEventListener("beforeunload", function () { leaving = true; });
  window.addEventListener("pagehide", function () {
    leaving = true;
    sendBeacon();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      sendBeacon();
    }
  });

  if (frame.parentNode.hasAttribute("hidden")) {
    frame.parentNode.removeAttribute("hidden");
  }
  frame.src = config.launchUrl;
  frame.setAttribute("data-loaded", "1");
}());
