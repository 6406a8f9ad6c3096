/*
 * The operator's status page: reads the REST API of the node that serves it every few seconds and renders the
 * cluster's members, the syncer, its lag over the last hour and the connected replicas. Plain DOM, no libraries,
 * so that the page works wherever the node's port is reachable. Text from the API only ever goes into textContent.
 */
(function () {
  "use strict";

  var REFRESH_MS = 5000;
  var DASH = "\u2014";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var LINE_COLOUR = "#1f6feb";
  var HOUR_MS = 3600 * 1000;
  var MIN_SPAN_MS = 60 * 1000;

  /* Relative to /status/, so that a non-root application context path still works. */
  var API = "../api/v1/";

  var STATE_CLASSES = {
    ONLINE: "ok", RUNNING: "ok",
    RECOVERING: "busy", CONNECTING: "busy", RETRYING: "busy", FAILING_OVER: "busy", PAUSED: "busy",
    WAITING_FOR_LEADER: "busy",
    ERROR: "bad", UNREACHABLE: "bad",
    OFFLINE: "off", STOPPED: "off"
  };

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    if (className) {
      e.className = className;
    }
    return e;
  }

  function svg(tag, attributes, text) {
    var e = document.createElementNS(SVG_NS, tag);
    Object.keys(attributes).forEach(function (k) {
      e.setAttribute(k, attributes[k]);
    });
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  }

  function known(v) {
    return v !== undefined && v !== null;
  }

  function orDash(v) {
    return known(v) && v !== "" ? String(v) : DASH;
  }

  /* Identifiers and GTID sets in a fixed-width font; the dash for "unknown" stays in the text font. */
  function mono(v) {
    return el("span", orDash(v), known(v) && v !== "" ? "mono" : "");
  }

  function badge(state) {
    return el("span", orDash(state), "badge " + (STATE_CLASSES[state] || "off"));
  }

  function count(n) {
    return known(n) ? Number(n).toLocaleString("en-US") : DASH;
  }

  function bytes(n) {
    if (!known(n)) {
      return DASH;
    }
    var units = ["B", "KiB", "MiB", "GiB", "TiB"];
    var v = Number(n);
    var i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return (i === 0 ? String(v) : v.toFixed(1)) + " " + units[i];
  }

  function seconds(n) {
    if (!known(n)) {
      return DASH;
    }
    if (n < 120) {
      return n + " s";
    }
    if (n < 7200) {
      return (n / 60).toFixed(1).replace(/\.0$/, "") + " min";
    }
    return (n / 3600).toFixed(1).replace(/\.0$/, "") + " h";
  }

  function rate(n, unit) {
    return known(n) ? Number(n).toFixed(n < 10 ? 1 : 0) + " " + unit + "/s" : DASH;
  }

  function two(x) {
    return (x < 10 ? "0" : "") + x;
  }

  /* An instant from the API as this browser's local date and time, 2026-11-21 12:00:00. */
  function time(iso) {
    if (!known(iso)) {
      return DASH;
    }
    var d = new Date(iso);
    if (isNaN(d.getTime())) {
      return String(iso);
    }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " + clock(d.getTime(), true);
  }

  function clock(ms, withSeconds) {
    var d = new Date(ms);
    return two(d.getHours()) + ":" + two(d.getMinutes()) + (withSeconds ? ":" + two(d.getSeconds()) : "");
  }

  function ago(ms) {
    if (!known(ms) || ms < 0) {
      return DASH;
    }
    return ms < 1000 ? "just now" : (ms / 1000).toFixed(1) + " s ago";
  }

  function endpoint(host, port) {
    return known(host) ? host + ":" + port : DASH;
  }

  /* Resolves to {data} or {error}: one endpoint failing must not blank the rest of the page. */
  function get(path) {
    return fetch(API + path, {headers: {Accept: "application/json"}, cache: "no-store"})
      .then(function (r) {
        if (!r.ok) {
          throw new Error("HTTP " + r.status);
        }
        return r.json();
      })
      .then(function (data) {
        return {data: data};
      }, function (e) {
        return {error: e.message || String(e)};
      });
  }

  function row(cells) {
    var tr = document.createElement("tr");
    cells.forEach(function (c) {
      var td = document.createElement("td");
      if (c instanceof Node) {
        td.appendChild(c);
      } else {
        td.textContent = c;
      }
      tr.appendChild(td);
    });
    return tr;
  }

  function emptyRow(tbody, columns, text) {
    var tr = document.createElement("tr");
    var td = el("td", text, "empty");
    td.colSpan = columns;
    tr.appendChild(td);
    tbody.appendChild(tr);
  }

  function renderCluster(result) {
    var tbody = $("members").tBodies[0];
    var summary = $("cluster-summary");
    tbody.textContent = "";
    summary.textContent = "";
    if (result.error) {
      summary.appendChild(el("span", "cannot read the cluster: " + result.error, "problem"));
      emptyRow(tbody, 7, "unknown");
      return;
    }
    var c = result.data;
    $("self").textContent = "· " + orDash(c.self);
    summary.appendChild(el("span", "leader: " + (c.leader || "none")));
    var t = c.topic;
    if (t) {
      summary.appendChild(document.createTextNode(" · topic " + t.name + ": "));
      if (t.error) {
        summary.appendChild(el("span", t.error, "problem"));
      } else {
        summary.appendChild(el("span", t.writable ? "writable" : "NOT writable", t.writable ? "" : "problem"));
        summary.appendChild(document.createTextNode(", in sync " + t.inSyncReplicas.length + " of "
          + t.replicas.length + " (min " + t.minInsyncReplicas + "), offsets " + count(t.logStartOffset)
          + " to " + count(t.logEndOffset)));
      }
    }
    (c.members || []).forEach(function (m) {
      var name = m.nodeId + (m.nodeId === c.self ? " (this node)" : "");
      tbody.appendChild(row([name, badge(m.state), orDash(m.role), endpoint(m.facadeHost, m.facadePort),
        m.lag >= 0 ? count(m.lag) : DASH, count(m.replicas), m.nodeId === c.self ? "this node" : ago(m.ageMs)]));
    });
    if (!c.members || c.members.length === 0) {
      emptyRow(tbody, 7, "no members");
    }
  }

  function field(dl, name, value) {
    dl.appendChild(el("dt", name));
    var dd = document.createElement("dd");
    if (value instanceof Node) {
      dd.appendChild(value);
    } else {
      dd.textContent = value;
    }
    dl.appendChild(dd);
  }

  function renderSyncer(result) {
    var dl = $("syncer-summary");
    dl.textContent = "";
    if (result.error) {
      field(dl, "state", el("span", "cannot read the syncer: " + result.error, "problem"));
      return;
    }
    var s = result.data;
    field(dl, "state", badge(s.state));
    var src = s.source;
    field(dl, "source", src ? src.host + ":" + src.port + " as " + src.user : "not configured");
    if (s.currentSource && src && (s.currentSource.host !== src.host || s.currentSource.port !== src.port)) {
      field(dl, "reading from", endpoint(s.currentSource.host, s.currentSource.port));
    }
    field(dl, "executed GTID set", mono(s.executedGtidSet));
    field(dl, "lag", seconds(s.lagSeconds) + " · " + bytes(s.lagBytes) + " · "
      + (known(s.lagTransactions) ? count(s.lagTransactions) + " transactions" : DASH));
    var tp = s.throughput;
    field(dl, "throughput", tp ? rate(tp.transactionsPerSecond, "transactions") + " · "
      + rate(tp.eventsPerSecond, "events") + " · " + bytes(Math.round(tp.bytesPerSecond)) + "/s" : DASH);
    if (s.progress) {
      field(dl, "catching up", count(s.progress.behindTransactions) + " transactions, "
        + bytes(s.progress.behindBytes) + ", done in " + seconds(s.progress.etaSeconds));
    }
    field(dl, "last event", time(s.lastEventAt));
    if (s.failovers > 0) {
      field(dl, "failovers", count(s.failovers));
    }
    var refused = s.refusedSources ? Object.keys(s.refusedSources) : [];
    refused.forEach(function (k) {
      field(dl, "refused " + k, el("span", s.refusedSources[k], "problem"));
    });
    var e = s.lastError;
    field(dl, "last error", e ? el("span", e.message + " (code " + e.code + ", " + time(e.at) + ")", "problem")
      : "none");
  }

  function niceStep(raw) {
    var power = Math.pow(10, Math.floor(Math.log10(raw)));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) {
      if (steps[i] * power >= raw) {
        return Math.max(1, steps[i] * power);
      }
    }
    return Math.max(1, 10 * power);
  }

  function timeStep(spanMs) {
    var steps = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
    for (var i = 0; i < steps.length; i++) {
      if (spanMs / (steps[i] * 1000) <= 6) {
        return steps[i] * 1000;
      }
    }
    return HOUR_MS;
  }

  /*
   * The plot: lag in seconds against time, from the first sample (at most an hour back) to the last. Samples whose
   * lag was unknown are grey marks on the time axis; the line joins the known ones.
   */
  function renderLag(result) {
    var holder = $("lag-plot-holder");
    var caption = $("lag-caption");
    var W = 960, H = 260, left = 56, right = 16, top = 12, bottom = 28;
    var x0 = left, x1 = W - right, y0 = top, y1 = H - bottom;
    var plot = svg("svg", {id: "lag-plot", viewBox: "0 0 " + W + " " + H, width: W, height: H,
      role: "img", "aria-label": "syncer lag in seconds over the last hour"});
    var frame = svg("rect", {"class": "frame", x: x0, y: y0, width: x1 - x0, height: y1 - y0});
    plot.appendChild(frame);
    holder.textContent = "";
    holder.appendChild(plot);

    var samples = result.data ? result.data.samples || [] : [];
    if (result.error || samples.length === 0) {
      caption.textContent = result.error ? "cannot read the history: " + result.error : "";
      plot.appendChild(svg("text", {"class": "nodata", x: (x0 + x1) / 2, y: (y0 + y1) / 2,
        "text-anchor": "middle"}, result.error ? "history unavailable" : "no samples yet"));
      exposeBox(plot, frame);
      return;
    }
    var points = samples.map(function (s) {
      return {t: Date.parse(s.at), lag: s.lagSeconds};
    });
    var end = points[points.length - 1].t;
    var start = Math.max(points[0].t, end - HOUR_MS);
    if (end - start < MIN_SPAN_MS) {
      start = end - MIN_SPAN_MS;
    }
    var knownPoints = points.filter(function (p) {
      return known(p.lag) && p.t >= start;
    });
    var maxLag = knownPoints.reduce(function (m, p) {
      return Math.max(m, p.lag);
    }, 0);
    var ceiling = Math.max(maxLag, 4);
    var yStep = niceStep(ceiling / 4);
    var yMax = Math.ceil(ceiling / yStep) * yStep;
    var x = function (t) {
      return x0 + (t - start) / (end - start) * (x1 - x0);
    };
    var y = function (v) {
      return y1 - v / yMax * (y1 - y0);
    };

    for (var v = 0; v <= yMax; v += yStep) {
      plot.appendChild(svg("line", {"class": "grid", x1: x0, x2: x1, y1: y(v), y2: y(v)}));
      plot.appendChild(svg("text", {"class": "tick", x: x0 - 6, y: y(v) + 4, "text-anchor": "end"}, seconds(v)));
    }
    var tStep = timeStep(end - start);
    for (var t = Math.ceil(start / tStep) * tStep; t <= end; t += tStep) {
      plot.appendChild(svg("line", {"class": "grid", x1: x(t), x2: x(t), y1: y0, y2: y1}));
      plot.appendChild(svg("text", {"class": "tick", x: x(t), y: y1 + 16, "text-anchor": "middle"},
        clock(t, tStep < 60000)));
    }
    points.forEach(function (p) {
      if (!known(p.lag) && p.t >= start) {
        plot.appendChild(svg("rect", {"class": "unknown", x: x(p.t) - 1, y: y1 - 4, width: 2, height: 4}));
      }
    });
    var last = knownPoints.length > 0 ? knownPoints[knownPoints.length - 1] : null;
    var coordinates = knownPoints.map(function (p) {
      return x(p.t).toFixed(1) + "," + y(p.lag).toFixed(1);
    });
    if (last) {
      plot.appendChild(svg("polyline", {id: "lag-line", points: coordinates.join(" "), fill: "none",
        stroke: LINE_COLOUR, "stroke-width": 2, "stroke-linejoin": "round", "stroke-linecap": "round"}));
      plot.appendChild(svg("circle", {cx: x(last.t), cy: y(last.lag), r: 3, fill: LINE_COLOUR}));
    } else {
      plot.appendChild(svg("text", {"class": "nodata", x: (x0 + x1) / 2, y: (y0 + y1) / 2,
        "text-anchor": "middle"}, "lag unknown in every sample"));
    }
    var unknownCount = points.length - knownPoints.length;
    caption.textContent = samples.length + " samples, one every " + result.data.intervalSeconds + " s, from "
      + clock(Math.max(points[0].t, start), true) + " to " + clock(end, true) + " (this browser's time)"
      + (unknownCount > 0 ? "; grey marks: lag unknown" : "") + ". Now: " + seconds(last ? last.lag : null) + ".";
    exposeBox(plot, frame);
  }

  /* The plot area's place on the page, in CSS pixels, for tools that check a screenshot of it. */
  function exposeBox(plot, frame) {
    var r = frame.getBoundingClientRect();
    plot.setAttribute("data-plot-box", [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height]
      .map(Math.round).join(","));
  }

  function renderReplicas(result) {
    var tbody = $("replica-table").tBodies[0];
    tbody.textContent = "";
    if (result.error) {
      $("replica-count").textContent = "";
      emptyRow(tbody, 11, "cannot read the replicas: " + result.error);
      return;
    }
    var replicas = result.data || [];
    $("replica-count").textContent = "(" + replicas.length + " connected to this node)";
    replicas.forEach(function (r) {
      tbody.appendChild(row([String(r.connectionId), orDash(r.serverId), mono(r.uuid),
        orDash(r.host), orDash(r.user), r.file ? r.file + " : " + r.position : DASH, bytes(r.bytesSent),
        time(r.connectedAt), r.dumping ? "yes" : "no", seconds(r.lagSeconds),
        mono(r.gtidSet)]));
    });
    if (replicas.length === 0) {
      emptyRow(tbody, 11, "no replica is connected to this node");
    }
  }

  function refresh() {
    Promise.all([get("cluster"), get("syncer"), get("syncer/history"), get("replicas")]).then(function (r) {
      renderCluster(r[0]);
      renderSyncer(r[1]);
      renderLag(r[2]);
      renderReplicas(r[3]);
      var failed = r.filter(function (x) {
        return x.error;
      }).length;
      var refreshed = $("refreshed");
      refreshed.textContent = "updated " + clock(Date.now(), true) + ", every " + REFRESH_MS / 1000 + " s"
        + (failed ? " · " + failed + " of 4 requests failed" : "");
      refreshed.className = failed ? "problem" : "muted";
    }).then(schedule, schedule);
  }

  function schedule() {
    window.setTimeout(refresh, REFRESH_MS);
  }

  refresh();
})();
