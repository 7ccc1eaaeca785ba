package dev.scaleddemo.demoapp;

/** The single self-contained HTML page (no external resources). */
final class IndexPage {

    private IndexPage() {
    }

    static String render() {
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Scaled demo</title>
            <style>
              body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
              button { font-size: 1.1rem; padding: .5rem 1.2rem; cursor: pointer; }
              #hit { font-size: 2rem; padding: 1rem 2.5rem; }
              .row { margin: 1.2rem 0; }
              .muted { color: #666; font-size: .9rem; }
              #err { color: #b00; }
              code { background: #f3f3f3; padding: 0 .3rem; }
            </style>
            </head>
            <body>
            <h1>Scaled demo</h1>
            <div class="row"><button id="hit" type="button">Hit me!</button></div>
            <div class="row">Total clicks (as counted by the serving pod): <strong id="total">?</strong></div>
            <div class="row">Served by: <code id="host">?</code></div>
            <div class="row">
              Auto-click: <input id="rate" type="number" min="1" max="100" value="5" style="width:4rem"> clicks/s
              <button id="auto" type="button">Start</button>
              <span class="muted" id="sent"></span>
            </div>
            <div class="row" id="err"></div>
            <p class="muted">Every click is a <code>POST /click-button</code>, which increments the Prometheus counter
            exposed at <a href="/metrics">/metrics</a>.</p>
            <script>
            (function () {
              var totalEl = document.getElementById('total'), hostEl = document.getElementById('host');
              var errEl = document.getElementById('err'), autoBtn = document.getElementById('auto');
              var rateEl = document.getElementById('rate'), sentEl = document.getElementById('sent');
              var timer = null, sent = 0, pending = 0;
              function show(total, host) {
                if (total !== null) totalEl.textContent = total;
                if (host) hostEl.textContent = host;
              }
              function click() {
                if (pending > 50) return; // do not pile up requests if the server is slow
                pending++;
                fetch('/click-button', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })
                  .then(function (r) {
                    if (!r.ok) throw new Error('HTTP ' + r.status);
                    show(r.headers.get('X-Clicks-Total'), r.headers.get('X-Served-By'));
                    errEl.textContent = '';
                    sent++;
                    if (timer) sentEl.textContent = sent + ' sent';
                  })
                  .catch(function (e) { errEl.textContent = 'click failed: ' + e.message; })
                  .finally(function () { pending--; });
              }
              function stopAuto() { clearInterval(timer); timer = null; autoBtn.textContent = 'Start'; }
              document.getElementById('hit').addEventListener('click', click);
              autoBtn.addEventListener('click', function () {
                if (timer) { stopAuto(); return; }
                var rate = Math.max(1, Math.min(100, parseInt(rateEl.value, 10) || 1));
                rateEl.value = rate;
                sent = 0;
                timer = setInterval(click, 1000 / rate);
                autoBtn.textContent = 'Stop';
              });
              fetch('/clicks').then(function (r) { return r.json(); })
                .then(function (j) { show(j.total, j.hostname); })
                .catch(function () {});
            })();
            </script>
            </body>
            </html>
            """;
    }
}
