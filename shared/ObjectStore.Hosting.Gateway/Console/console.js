// The operator console: buckets with usage and cost, one bucket with its lifecycle dry run, and the
// health of zones and event delivery. Everything through the admin API, signed with the signed-in key.
"use strict";

(() => {
  const storageKey = "objectstore-console";
  const $ = id => document.getElementById(id);

  // ---- formatting ------------------------------------------------------------------------------
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  function bytes(n) {
    let i = 0, v = Number(n) || 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? v.toFixed(0) : v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)) + " " + units[i];
  }
  const count = n => (Number(n) || 0).toLocaleString("en-US");
  // Small amounts keep three significant digits (a test bucket costs fractions of a cent).
  const money = (n, currency) => {
    const v = Number(n) || 0;
    return (v !== 0 && Math.abs(v) < 0.01 ? v.toPrecision(3) : v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })) + " " + currency;
  };
  const when = t => (t ? new Date(t).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : "never");

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes ?? {})) {
      if (value === undefined || value === null || value === false) continue;
      node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const table = (headers, rows, id) =>
    el("table", { id }, el("thead", {}, el("tr", {}, headers.map(h => el("th", {}, h)))), el("tbody", {}, rows));

  const card = (label, value, id) => el("div", { class: "card", id }, el("div", { class: "k" }, label), el("div", { class: "v" }, value));

  // ---- session ---------------------------------------------------------------------------------
  let credentials = null;

  function load() {
    // For automation (and bookmarks on a trusted machine): #key=..&secret=..[&region=..][&view=/bucket/x].
    // The fragment never reaches the server; it is removed from the address bar at once.
    if (location.hash.startsWith("#key=")) {
      const p = new URLSearchParams(location.hash.slice(1));
      credentials = { accessKey: p.get("key"), secretKey: p.get("secret"), region: p.get("region") || "us-east-1" };
      sessionStorage.setItem(storageKey, JSON.stringify(credentials));
      history.replaceState(null, "", location.pathname + "#" + (p.get("view") || "/buckets"));
      return;
    }
    const saved = sessionStorage.getItem(storageKey);
    credentials = saved ? JSON.parse(saved) : null;
  }

  async function api(method, path, query, body) {
    const response = await SigV4.fetchSigned(credentials, method, "/_admin/v1/" + path, query, body);
    const text = await response.text();
    if (!response.ok) {
      const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? response.status;
      const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? "";
      const error = new Error(`${code}: ${message}`);
      error.status = response.status;
      throw error;
    }
    return text ? JSON.parse(text) : null;
  }

  function showSignIn(message) {
    $("nav").hidden = true;
    $("view").replaceChildren();
    $("sign-in").hidden = false;
    $("sign-in-error").textContent = message ?? "";
  }

  // ---- views -----------------------------------------------------------------------------------
  function classSeries(buckets) {
    const names = [...new Set(buckets.flatMap(b => b.classes.map(c => c.storageClass)))];
    return names.map((name, i) => ({ key: name, label: name, color: Charts.palette[i % Charts.palette.length] }));
  }

  async function bucketsView() {
    const usage = await api("GET", "usage");
    const buckets = usage.buckets;
    const view = el("div", { id: "buckets-view" });
    const stored = buckets.reduce((s, b) => s + b.totals.storedBytes, 0);
    const logical = buckets.reduce((s, b) => s + b.totals.logicalBytes, 0);
    const noncurrent = buckets.reduce((s, b) => s + b.totals.noncurrentBytes, 0);
    view.append(el("h2", {}, "Buckets"),
      el("div", { class: "cards" },
        card("Buckets", count(buckets.length + usage.notYetCounted.length)),
        card("Logical bytes", bytes(logical)),
        card("Stored bytes (with erasure overhead)", bytes(stored)),
        card("Noncurrent bytes", bytes(noncurrent)),
        card("Monthly cost", money(usage.monthlyCost, usage.currency), "total-cost")));

    const rows = buckets.map(b => el("tr", { "data-bucket": b.bucket },
      el("td", {}, el("a", { href: "#/bucket/" + encodeURIComponent(b.bucket) }, b.bucket)),
      el("td", {}, count(b.totals.objects)), el("td", {}, bytes(b.totals.bytes)),
      el("td", {}, count(b.totals.noncurrentVersions)), el("td", {}, bytes(b.totals.noncurrentBytes)),
      el("td", {}, count(b.deleteMarkers)), el("td", {}, count(b.uploads.count)), el("td", {}, bytes(b.uploads.bytes)),
      el("td", {}, bytes(b.totals.storedBytes)), el("td", {}, money(b.monthlyCost, b.currency)),
      el("td", { class: "flags" }, b.flags.length ? "⚠ " + b.flags.join("; ") : ""),
      el("td", { class: "muted" }, when(b.computedAt))));
    for (const name of usage.notYetCounted)
      rows.push(el("tr", {}, el("td", {}, el("a", { href: "#/bucket/" + encodeURIComponent(name) }, name)), el("td", { colspan: 11, class: "muted" }, "not counted yet")));
    view.append(table(["Bucket", "Objects", "Bytes", "Noncurrent", "Noncurrent bytes", "Delete markers", "Uploads", "Upload bytes", "Stored", "Cost / month", "Flags", "Counted"], rows, "bucket-table"));

    if (buckets.length) {
      const series = classSeries(buckets);
      view.append(el("h3", {}, "Stored bytes by storage class"),
        el("div", { class: "panel" }, Charts.stackedBars(buckets.map(b => ({ label: b.bucket, values: Object.fromEntries(b.classes.map(c => [c.storageClass, c.storedBytes])) })), series, bytes, { title: "Stored bytes by class" })),
        el("h3", {}, "Current and noncurrent bytes"),
        el("div", { class: "panel" }, Charts.stackedBars(buckets.map(b => ({ label: b.bucket, values: { current: b.totals.bytes, noncurrent: b.totals.noncurrentBytes, parts: b.totals.partBytes } })),
          [{ key: "current", label: "current", color: "#2f6fb2" }, { key: "noncurrent", label: "noncurrent", color: "#c8553d" }, { key: "parts", label: "unfinished uploads", color: "#e0a030" }], bytes, { title: "Current and noncurrent bytes" })));
    }
    return view;
  }

  async function bucketView(name, afterDays) {
    const view = el("div", { id: "bucket-view", "data-bucket": name }, el("p", {}, el("a", { href: "#/buckets" }, "← Buckets")), el("h2", {}, "Bucket " + name));
    const usage = await api("GET", "usage", { bucket: name });
    const u = usage.buckets[0];
    if (!u) {
      view.append(el("p", { class: "muted" }, "Not counted yet: the usage pass has not finished over this bucket."));
    } else {
      view.append(el("div", { class: "cards" },
        card("Objects", count(u.totals.objects)), card("Noncurrent versions", count(u.totals.noncurrentVersions)),
        card("Delete markers", count(u.deleteMarkers)), card("Unfinished uploads", count(u.uploads.count) + " (" + count(u.uploads.parts) + " parts)"),
        card("Stored", bytes(u.totals.storedBytes)), card("Monthly cost", money(u.monthlyCost, u.currency), "bucket-cost")));
      if (u.flags.length) view.append(el("ul", { class: "flags", id: "bucket-flags" }, u.flags.map(f => el("li", {}, "⚠ " + f))));
      view.append(table(["Storage class", "Profile", "Objects", "Bytes", "Noncurrent", "Noncurrent bytes", "Uploads", "Parts", "Part bytes", "Stored", "Cost / month"],
        u.classes.map(c => el("tr", {}, el("td", {}, c.storageClass), el("td", {}, c.profile), el("td", {}, count(c.objects)), el("td", {}, bytes(c.bytes)),
          el("td", {}, count(c.noncurrentVersions)), el("td", {}, bytes(c.noncurrentBytes)), el("td", {}, count(c.uploads)), el("td", {}, count(c.parts)),
          el("td", {}, bytes(c.partBytes)), el("td", {}, bytes(c.storedBytes)), el("td", {}, money(c.monthlyCost, u.currency)))), "class-table"),
        el("h3", {}, "Logical bytes by storage class"),
        el("div", { class: "panel" }, Charts.stackedBars(u.classes.map(c => ({ label: c.storageClass, values: { current: c.bytes, noncurrent: c.noncurrentBytes, parts: c.partBytes } })),
          [{ key: "current", label: "current", color: "#2f6fb2" }, { key: "noncurrent", label: "noncurrent", color: "#c8553d" }, { key: "parts", label: "unfinished uploads", color: "#e0a030" }], bytes, { title: "Logical bytes by class" })),
        el("p", { class: "muted" }, "Counted " + when(u.computedAt) + "."));
    }

    const days = el("input", { type: "number", min: 0, max: 3650, value: afterDays, id: "after-days" });
    days.addEventListener("change", () => { location.hash = "#/bucket/" + encodeURIComponent(name) + "?after-days=" + (parseInt(days.value, 10) || 0); });
    view.append(el("h3", {}, "Lifecycle dry run of the bucket's rules"), el("p", {}, el("label", {}, "Rule days from now ", days)));
    try {
      const dry = await api("POST", "lifecycle/dry-run", afterDays > 0 ? { bucket: name, "after-days": afterDays } : { bucket: name });
      const actions = dry.rules.flatMap(r => r.actions.length
        ? r.actions.map(a => el("tr", {}, el("td", {}, r.id), el("td", {}, a.action), el("td", {}, count(a.objects)), el("td", {}, count(a.versions)), el("td", {}, count(a.uploads)), el("td", {}, bytes(a.bytes))))
        : [el("tr", {}, el("td", {}, r.id), el("td", { colspan: 5, class: "muted" }, "nothing due"))]);
      view.append(dry.rules.length ? table(["Rule", "Action", "Objects", "Versions", "Uploads", "Bytes"], actions, "dry-run-table")
        : el("p", { class: "muted", id: "dry-run-table" }, "The bucket has no lifecycle rules."));
      view.append(el("div", { class: "panel" }, Charts.stackedBars([
        { label: "before", values: Object.fromEntries(dry.before.map(c => [c.storageClass, c.storedBytes])) },
        { label: "after", values: Object.fromEntries(dry.after.map(c => [c.storageClass, c.storedBytes])) },
      ], classSeries([{ classes: [...dry.before, ...dry.after] }]), bytes, { title: "Stored bytes before and after one pass" })),
      el("p", { id: "dry-run-cost" }, `Monthly cost ${money(dry.monthlyCostBefore, dry.currency)} now, ${money(dry.monthlyCostAfter, dry.currency)} after one pass.`),
      el("pre", {}, dry.report.join("\n")));
    } catch (e) {
      view.append(el("p", { class: "error" }, "Dry run failed: " + e.message));
    }
    return view;
  }

  async function healthView() {
    const [repair, usage, poison, destinations] = await Promise.all([
      api("GET", "repair/report"), api("GET", "usage"), api("GET", "notifications/poison"), api("GET", "notifications/destinations")]);
    const view = el("div", { id: "health-view" }, el("h2", {}, "Health"));
    const pass = repair.lastPass ?? repair.currentPass;
    view.append(el("div", { class: "cards" },
      card("Last full repair pass", when(repair.lastFullPassAt)),
      card("Oldest unrepaired damage", repair.oldestUnrepairedDamage ? when(repair.oldestUnrepairedDamage) : "none"),
      card("Unrepaired data", pass ? count(pass.unrepaired) : "–", "unrepaired"),
      card("Pending deletions", repair.pendingDeletions ? count(repair.pendingDeletions.count) + " (" + bytes(repair.pendingDeletions.bytes) + ")" : "–")));

    view.append(el("h3", {}, "Zones (" + (repair.lastPass ? "last pass, finished " + when(repair.lastPass.completedAt) : repair.currentPass ? "pass in progress" : "no pass yet") + ")"));
    const zones = Object.entries(pass?.zones ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    view.append(table(["Zone", "Shards", "Bad found", "Repaired", "Still bad", "Still bad bytes", "State"], zones.map(([zone, z]) =>
      el("tr", { "data-zone": zone }, el("td", {}, zone), el("td", {}, count(z.shards)), el("td", {}, count(z.badFound)), el("td", {}, count(z.repaired)),
        el("td", {}, count(z.stillBad)), el("td", {}, bytes(z.stillBadBytes)), el("td", { class: z.stillBad > 0 ? "bad" : "ok" }, z.stillBad > 0 ? "degraded" : "healthy"))), "zone-table"));
    if (zones.length)
      view.append(el("div", { class: "panel" }, Charts.stackedBars(zones.map(([zone, z]) => ({ label: zone, values: { healthy: Math.max(0, z.shards - z.stillBad - z.repaired), repaired: z.repaired, bad: z.stillBad } })),
        [{ key: "healthy", label: "healthy shards", color: "#58a55c" }, { key: "repaired", label: "repaired in the pass", color: "#2f6fb2" }, { key: "bad", label: "still bad", color: "#c8553d" }], count, { title: "Shards per zone" })));

    view.append(el("h3", {}, "Event backlog per destination"));
    const backlog = new Map();
    for (const d of destinations.destinations) backlog.set(d.arn, { name: d.name, kind: d.kind, outbox: 0, oldest: null, poisoned: 0 });
    const entry = arn => backlog.get(arn) ?? backlog.set(arn, { name: arn, kind: "?", outbox: 0, oldest: null, poisoned: 0 }).get(arn);
    for (const b of usage.buckets) for (const o of b.outbox) {
      const e = entry(o.destination);
      e.outbox += o.events;
      if (o.oldestEventTime && (!e.oldest || o.oldestEventTime < e.oldest)) e.oldest = o.oldestEventTime;
    }
    for (const p of poison.events) entry(p.destination ?? "(unknown)").poisoned++;
    view.append(table(["Destination", "Kind", "In the outbox", "Oldest", "Poisoned"], [...backlog].map(([arn, e]) =>
      el("tr", { "data-destination": arn }, el("td", {}, e.name), el("td", {}, e.kind), el("td", {}, count(e.outbox)), el("td", {}, e.oldest ? when(e.oldest) : "–"),
        el("td", { class: e.poisoned ? "bad" : "" }, count(e.poisoned)))), "destination-table"));
    if (backlog.size)
      view.append(el("div", { class: "panel" }, Charts.stackedBars([...backlog.values()].map(e => ({ label: e.name, values: { outbox: e.outbox, poisoned: e.poisoned } })),
        [{ key: "outbox", label: "in the outbox", color: "#e0a030" }, { key: "poisoned", label: "poisoned", color: "#c8553d" }], count, { title: "Event backlog" })));
    return view;
  }

  // ---- routing ---------------------------------------------------------------------------------
  async function render() {
    if (!credentials) return showSignIn();
    $("sign-in").hidden = true;
    $("nav").hidden = false;
    $("who").textContent = credentials.accessKey;
    const route = location.hash.slice(1) || "/buckets";
    $("nav-buckets").classList.toggle("active", !route.startsWith("/health"));
    $("nav-health").classList.toggle("active", route.startsWith("/health"));
    const target = $("view");
    target.replaceChildren(el("p", { class: "muted" }, "Loading…"));
    try {
      const [path, search] = route.split("?");
      const view = path.startsWith("/bucket/") ? await bucketView(decodeURIComponent(path.slice("/bucket/".length)), parseInt(new URLSearchParams(search ?? "").get("after-days") ?? "0", 10) || 0)
        : route.startsWith("/health") ? await healthView() : await bucketsView();
      target.replaceChildren(view);
      document.body.dataset.ready = route;
    } catch (e) {
      if (e.status === 403) {
        sessionStorage.removeItem(storageKey);
        credentials = null;
        return showSignIn("Refused: " + e.message + " (the key must belong to an admin user).");
      }
      target.replaceChildren(el("p", { class: "error", id: "load-error" }, "Could not load: " + e.message));
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("sign-in-form").addEventListener("submit", event => {
      event.preventDefault();
      credentials = { accessKey: $("access-key").value.trim(), secretKey: $("secret-key").value, region: $("region").value.trim() || "us-east-1" };
      sessionStorage.setItem(storageKey, JSON.stringify(credentials));
      if (!location.hash || location.hash === "#") location.hash = "#/buckets"; else render();
    });
    $("sign-out").addEventListener("click", () => {
      sessionStorage.removeItem(storageKey);
      credentials = null;
      showSignIn();
    });
    window.addEventListener("hashchange", render);
    load();
    render();
  });
})();
