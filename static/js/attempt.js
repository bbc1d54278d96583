/* The attempt page, made a little more comfortable; without this script everything works as well (the form
   saves the answers whenever the learner moves between pages, and the deadline is shown as text).

   1. Each answer is saved as it is given: a change is posted in the background (autosave=1) and the page's
      sequence number is updated from the reply, so the next save or page move is not taken for an old page.
      A page move waits for a save in flight.
   2. A timed attempt shows a countdown of the seconds the server said were left, counted on the monotonic
      clock (a wrong clock on the learner's computer does not matter). At zero the page's answers are sent and
      the confirmation page opens. The server keeps the time either way. */
(function () {
  "use strict";
  var form = document.querySelector("form.attempt-form");
  if (!form) {
    return;
  }
  var sequence = form.querySelector("input[name=sequence]");
  var status = document.querySelector("[data-autosave-status]");
  var canSave = !!(window.fetch && window.FormData && window.Promise && status);
  var saving = null;   // the save in flight (a promise)
  var again = false;   // something changed while saving
  var waiting = null;  // a timer before the next save
  var sending = false; // the form is being sent: no more background saves

  function say(text) {
    if (status.textContent !== text) {
      status.textContent = text;
    }
    status.hidden = false;
  }

  function save() {
    window.clearTimeout(waiting);
    waiting = null;
    if (sending) {
      return saving;
    }
    if (saving) {
      again = true;
      return saving;
    }
    var data = new FormData(form);
    data.append("autosave", "1");
    saving = window.fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: data, credentials: "same-origin", headers: {"Accept": "application/json"}
    }).then(function (response) {
      return response.json().then(function (reply) {
        if (response.ok) {
          sequence.value = reply.sequence;
          say(status.getAttribute("data-saved"));
        } else if (reply.redirect) {
          sending = true;
          window.location.href = reply.redirect;
        } else {
          say(reply.error);
        }
      });
    }).catch(function () {
      say(status.getAttribute("data-failed"));
    }).then(function () {
      saving = null;
      if (again && !sending) {
        again = false;
        save();
      }
    });
    return saving;
  }

  function send(go) {
    // Send the whole page the ordinary way, once the save in flight (if any) has its new sequence number.
    window.clearTimeout(waiting);
    sending = true;
    again = false;
    Promise.resolve(saving).then(function () {
      if (go) {
        var field = document.createElement("input");
        field.type = "hidden";
        field.name = go.name;
        field.value = go.value;
        form.appendChild(field);
      }
      form.submit();
    });
  }

  if (canSave) {
    form.addEventListener("change", function () {
      window.clearTimeout(waiting);
      waiting = window.setTimeout(save, 200);
    });
    form.addEventListener("input", function (event) {
      if (event.target.type === "text" || event.target.tagName === "TEXTAREA") {
        window.clearTimeout(waiting);
        waiting = window.setTimeout(save, 1500);
      }
    });
    var clicked = null;  // the button pressed, for browsers without event.submitter
    form.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button[name]") : null;
      if (button) {
        clicked = button;
      }
    });
    form.addEventListener("submit", function (event) {
      if (sending) {
        event.preventDefault();
        return;
      }
      if (!saving && !waiting) {
        return;  // nothing in flight: the form goes as it is
      }
      event.preventDefault();
      var button = event.submitter || clicked;
      send(button && button.name ? {name: button.name, value: button.value} : null);
    });
  }

  var timer = document.querySelector("[data-remaining-seconds]");
  if (!timer || !window.performance) {
    return;
  }
  var value = timer.querySelector("[data-countdown-value]");
  var end = performance.now() + 1000 * parseInt(timer.getAttribute("data-remaining-seconds"), 10);
  var interval;

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function tick() {
    var left = Math.max(0, Math.ceil((end - performance.now()) / 1000));
    var hours = Math.floor(left / 3600);
    var minutes = Math.floor((left % 3600) / 60);
    value.textContent = (hours ? hours + ":" + pad(minutes) : minutes) + ":" + pad(left % 60);
    timer.classList.toggle("overdue", left <= 60);
    if (left === 0) {
      window.clearInterval(interval);
      if (canSave) {
        send({name: "go", value: "finish"});
      } else {
        var go = document.createElement("input");
        go.type = "hidden";
        go.name = "go";
        go.value = "finish";
        form.appendChild(go);
        form.submit();
      }
    }
  }

  timer.hidden = false;
  tick();
  interval = window.setInterval(tick, 500);
})();
