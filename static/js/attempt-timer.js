/* Countdown of a timed quiz attempt, for convenience only: the server keeps the time (it refuses answers after
   the deadline and submits the attempt itself). Without this script the page shows the deadline as text.
   The remaining seconds come from the server and are counted on the monotonic clock, so a wrong clock on the
   learner's computer does not matter. At zero the page's answers are sent and the confirmation page opens. */
(function () {
  "use strict";
  var timer = document.querySelector("[data-remaining-seconds]");
  var form = document.querySelector("form.attempt-form");
  if (!timer || !form || !window.performance) {
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
      var go = document.createElement("input");
      go.type = "hidden";
      go.name = "go";
      go.value = "finish";
      form.appendChild(go);
      form.submit();
    }
  }

  timer.hidden = false;
  tick();
  interval = window.setInterval(tick, 500);
})();
