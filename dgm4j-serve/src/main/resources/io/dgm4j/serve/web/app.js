// The dgm4j web page: plain JavaScript over the server's JSON API (no build step).
"use strict";
let current = null;
let curveTimer = null;
let reference = null;

function el(id) { return document.getElementById(id); }
function fmt(x, digits) { return x === undefined || x === null ? "" : Number(x).toFixed(digits); }

async function api(path, options) {
  const response = await fetch(path, options);
  const type = response.headers.get("content-type") || "";
  if (!response.ok) {
    const body = type.includes("json") ? await response.json() : { error: response.statusText };
    throw new Error(body.error || response.statusText);
  }
  return type.includes("json") ? response.json() : response.blob();
}

async function loadRuns() {
  try {
    const runs = await api("/api/runs");
    const body = el("runs").querySelector("tbody");
    body.innerHTML = "";
    for (const r of runs) {
      const tr = document.createElement("tr");
      tr.className = "run" + (current === r.name ? " selected" : "");
      tr.dataset.name = r.name;
      const cells = [r.name, r.family, r.objective, r.data, r.status,
        r.epochs_done + "/" + r.epochs,
        r.best_validation === undefined ? "" : fmt(r.best_validation, 3) + " (" + r.validation_metric + ")",
        r.parameters === undefined ? "" : Number(r.parameters).toLocaleString()];
      for (const c of cells) { const td = document.createElement("td"); td.textContent = c; tr.appendChild(td); }
      tr.onclick = () => select(r.name);
      body.appendChild(tr);
    }
    el("message").textContent = runs.length ? "" : "No runs in this folder yet: train one with dgm train --out DIR/NAME.";
  } catch (e) { el("message").innerHTML = '<span class="error">' + e.message + "</span>"; }
}

async function select(name) {
  current = name;
  history.replaceState(null, "", "#run=" + encodeURIComponent(name)); // a link to this view
  reference = null;
  el("detail").style.display = "block";
  el("title").textContent = name;
  el("samples").removeAttribute("src");
  el("score").textContent = "";
  document.querySelectorAll("tr.run").forEach(tr => tr.classList.toggle("selected", tr.dataset.name === name));
  await drawCurve();
  if (curveTimer) clearInterval(curveTimer);
  curveTimer = setInterval(drawCurve, 3000);
  drawHistogram(null);
}

async function drawCurve() {
  if (!current) return;
  const metrics = await api("/api/runs/" + encodeURIComponent(current) + "/metrics");
  const c = el("curve"), g = c.getContext("2d");
  g.clearRect(0, 0, c.width, c.height);
  const series = [
    { name: "train loss", color: "#1f77b4", values: metrics.map(m => m.trainLoss) },
    // epochs between validations (dgm train --validate-every) say "skipped" and have no value
    { name: "validation " + ((metrics.find(m => m.validationMetric !== "skipped") || {}).validationMetric || ""), color: "#d62728",
      values: metrics.map(m => m.validationLoss) }];
  const all = series.flatMap(s => s.values).filter(v => Number.isFinite(v));
  if (!all.length) { g.fillText("no epoch finished yet", 20, 30); c.dataset.points = "0"; return; }
  const lo = Math.min(...all), hi = Math.max(...all), pad = 40;
  const x = i => pad + (metrics.length === 1 ? 0 : i * (c.width - 2 * pad) / (metrics.length - 1));
  const y = v => c.height - pad - (hi === lo ? 0.5 : (v - lo) / (hi - lo)) * (c.height - 2 * pad);
  g.strokeStyle = "#999"; g.strokeRect(pad, pad, c.width - 2 * pad, c.height - 2 * pad);
  g.fillStyle = "#333"; g.fillText(fmt(hi, 2), 2, pad + 4); g.fillText(fmt(lo, 2), 2, c.height - pad);
  g.fillText("epoch 1.." + metrics.length, c.width / 2 - 20, c.height - 10);
  series.forEach((s, k) => {
    g.strokeStyle = s.color; g.fillStyle = s.color; g.beginPath();
    s.values.forEach((v, i) => { if (Number.isFinite(v)) (i ? g.lineTo(x(i), y(v)) : g.moveTo(x(i), y(v))); });
    g.stroke(); g.fillText(s.name, pad + 10 + 160 * k, 20);
  });
  c.dataset.points = String(metrics.length);
}

async function drawSamples() {
  el("sample-status").textContent = "drawing…";
  try {
    const seed = Math.floor(Math.random() * 1e6);
    const blob = await api("/api/runs/" + encodeURIComponent(current) + "/sample?n=16&format=png&seed=" + seed, { method: "POST" });
    el("samples").src = URL.createObjectURL(blob);
    el("sample-status").textContent = "seed " + seed;
  } catch (e) { el("sample-status").innerHTML = '<span class="error">' + e.message + "</span>"; }
}

async function drawHistogram(marker) {
  const c = el("histogram"), g = c.getContext("2d");
  g.clearRect(0, 0, c.width, c.height);
  if (!current) return;
  if (!reference) reference = await api("/api/runs/" + encodeURIComponent(current) + "/reference");
  if (reference.error) { g.fillText(reference.error.slice(0, 60), 5, 20); return; }
  const counts = reference.counts, max = Math.max(...counts), w = c.width / counts.length;
  g.fillStyle = "#8aa8d8";
  counts.forEach((k, i) => { const h = (c.height - 20) * k / max; g.fillRect(i * w, c.height - 20 - h, w - 1, h); });
  g.fillStyle = "#333"; g.fillText("test set scores", 4, 12);
  g.fillText(fmt(reference.min, 1), 2, c.height - 5);
  g.textAlign = "right"; g.fillText(fmt(reference.max, 1), c.width - 2, c.height - 5);
  g.textAlign = "left";
  if (marker !== null) {
    const t = (marker - reference.min) / (reference.max - reference.min || 1);
    const px = Math.max(0, Math.min(c.width - 2, t * c.width));
    g.fillStyle = "#d62728"; g.fillRect(px, 0, 2, c.height - 20);
  }
}

async function scoreFile(file) {
  el("score").textContent = "scoring " + file.name + "…";
  try {
    const bytes = await file.arrayBuffer();
    const result = await api("/api/runs/" + encodeURIComponent(current) + "/score",
      { method: "POST", headers: { "Content-Type": file.type || "application/octet-stream" }, body: bytes });
    const value = result[result.score][0];
    const pct = result.test_percentile ? result.test_percentile[0] : null;
    el("score").textContent = file.name + ": " + result.score + " = " + fmt(value, 2) +
      (pct === null ? "" : " — " + fmt(pct, 1) + "% of the test set score at or below it");
    el("score").dataset.value = String(value);
    await drawHistogram(value);
  } catch (e) { el("score").innerHTML = '<span class="error">' + e.message + "</span>"; }
}

function setupDrop() {
  const zone = el("drop");
  zone.addEventListener("dragover", e => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", e => {
    e.preventDefault(); zone.classList.remove("over");
    if (e.dataTransfer.files.length) scoreFile(e.dataTransfer.files[0]);
  });
  // a hidden file input makes the zone usable by click too (and by automated tests)
  const input = document.createElement("input");
  input.type = "file"; input.id = "file"; input.accept = "image/png,image/jpeg";
  input.style.display = "none";
  input.onchange = () => { if (input.files.length) scoreFile(input.files[0]); };
  zone.appendChild(input);
  zone.onclick = () => input.click();
}

el("sample").onclick = drawSamples;
setupDrop();
loadRuns();
if (location.hash.startsWith("#run=")) select(decodeURIComponent(location.hash.slice(5)));
setInterval(loadRuns, 5000);
