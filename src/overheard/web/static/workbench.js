// The workbench's own behaviour: the transcript follows the player, a click on a line seeks,
// a search hit's second (?t=) is honoured, upload progress is shown. No inline code anywhere:
// the Content-Security-Policy allows scripts from this folder only.
(function () {
  "use strict";

  function player() {
    return document.getElementById("player");
  }

  function lines() {
    return Array.prototype.slice.call(document.querySelectorAll("#record .line[data-start]"));
  }

  var current = null;

  function follow() {
    var audio = player();
    if (!audio) return;
    var t = audio.currentTime;
    var found = null;
    var all = lines();
    for (var i = 0; i < all.length; i++) {
      var start = parseFloat(all[i].dataset.start);
      var end = parseFloat(all[i].dataset.end);
      if (start > t + 0.05) break;
      // Between two utterances the last one started stays current, so the eye keeps its place.
      found = all[i];
      if (t < end) break;
    }
    if (found === current) return;
    if (current) current.classList.remove("current");
    if (found) {
      found.classList.add("current");
      if (!audio.paused) found.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
    current = found;
  }

  function seek(seconds, play) {
    var audio = player();
    if (!audio || isNaN(seconds)) return;
    var apply = function () {
      audio.currentTime = seconds;
      follow();
      if (play) {
        var playing = audio.play();
        if (playing && playing.catch) playing.catch(function () {}); // autoplay may be refused
      }
    };
    if (audio.readyState >= 1) apply();
    else audio.addEventListener("loadedmetadata", apply, { once: true });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var line = target.closest("#record .line[data-start]");
    if (!line || target.closest("a") || !player()) return;
    // A click that selects text is a selection, not a seek.
    var selection = window.getSelection();
    if (selection && selection.toString() && !target.closest("button")) return;
    seek(parseFloat(line.dataset.start), true);
  });

  function start() {
    var audio = player();
    if (audio) {
      audio.addEventListener("timeupdate", follow);
      audio.addEventListener("seeked", follow);
      var t = parseFloat(new URLSearchParams(window.location.search).get("t"));
      if (!isNaN(t)) seek(t, false);
    }
    markTarget();
  }

  // The line a link points at (#segment-N, or #statement-N: an anchor inside its line) is
  // outlined, on arrival and when a link on the page jumps to another.
  function markTarget() {
    var hash = window.location.hash;
    if (hash.indexOf("#segment-") !== 0 && hash.indexOf("#statement-") !== 0) return;
    var target = document.getElementById(hash.slice(1));
    var line = target && (target.classList.contains("line") ? target : target.closest(".line"));
    if (!line) return;
    document.querySelectorAll(".line.target").forEach(function (old) {
      old.classList.remove("target");
    });
    line.classList.add("target");
  }

  window.addEventListener("hashchange", markTarget);

  // htmx replaced the reading view (the masking switch): the current line is found anew.
  document.addEventListener("htmx:afterSwap", function () {
    current = null;
    follow();
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var bar = document.getElementById("upload-progress");
    var detail = event.detail || {};
    if (!bar || !detail.lengthComputable) return;
    bar.hidden = false;
    bar.value = Math.round((100 * detail.loaded) / detail.total);
    var state = document.getElementById("upload-state");
    if (state) state.textContent = bar.value < 100 ? "uploading " + bar.value + "%" : "ingesting…";
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (!(event.target instanceof Element) || event.target.id !== "upload-form") return;
    var state = document.getElementById("upload-state");
    var ok = event.detail && event.detail.successful;
    if (state) state.textContent = ok ? "done" : "the upload failed: " + (event.detail.xhr ? event.detail.xhr.status : "no answer");
    var bar = document.getElementById("upload-progress");
    if (bar) bar.hidden = true;
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
