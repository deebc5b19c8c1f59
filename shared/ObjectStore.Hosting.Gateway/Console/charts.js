// Inline SVG charts: horizontal stacked bars with a legend. No library, no styles inline (the CSP forbids them).
"use strict";

const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const palette = ["#2f6fb2", "#58a55c", "#e0a030", "#8e5ea2", "#c8553d", "#3aa6a6", "#7f7f7f", "#b5bd33"];

  function svg(tag, attributes, text) {
    const node = document.createElementNS(NS, tag);
    for (const [name, value] of Object.entries(attributes ?? {})) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /**
   * rows: [{ label, values: { seriesKey: number } }]; series: [{ key, label }].
   * One bar per row, its segments in series order, scaled to the largest row total.
   */
  function stackedBars(rows, series, format, options) {
    const width = options?.width ?? 760, labelWidth = 170, valueWidth = 90, barHeight = 22, gap = 8, legendHeight = 28;
    const plotWidth = width - labelWidth - valueWidth;
    const height = legendHeight + rows.length * (barHeight + gap) + gap;
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", class: "chart" });
    root.append(svg("title", {}, options?.title ?? "chart"));
    let x = labelWidth;
    series.forEach((s, i) => {
      root.append(svg("rect", { x, y: 6, width: 12, height: 12, fill: s.color ?? palette[i % palette.length] }));
      const label = svg("text", { x: x + 16, y: 16, class: "legend" }, s.label);
      root.append(label);
      x += 34 + s.label.length * 7.5;
    });
    const max = Math.max(1, ...rows.map(r => series.reduce((sum, s) => sum + (r.values[s.key] ?? 0), 0)));
    rows.forEach((row, index) => {
      const y = legendHeight + gap + index * (barHeight + gap);
      root.append(svg("text", { x: labelWidth - 8, y: y + barHeight * 0.7, "text-anchor": "end", class: "label" }, row.label));
      let offset = labelWidth, total = 0;
      series.forEach((s, i) => {
        const value = row.values[s.key] ?? 0;
        total += value;
        if (value <= 0) return;
        const w = Math.max(1, value / max * plotWidth);
        const rect = svg("rect", { x: offset, y, width: w, height: barHeight, fill: s.color ?? palette[i % palette.length], "data-series": s.key });
        rect.append(svg("title", {}, `${row.label} · ${s.label}: ${format(value)}`));
        root.append(rect);
        offset += w;
      });
      root.append(svg("text", { x: offset + 6, y: y + barHeight * 0.7, class: "value" }, format(total)));
    });
    return root;
  }

  return { stackedBars, palette };
})();
