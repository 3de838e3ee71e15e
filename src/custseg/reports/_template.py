"""The Jinja2 template and stylesheet of HTML (and so PDF) reports."""

from __future__ import annotations

STYLE = """
:root { --ink: #212121; --muted: #616161; --rule: #E0E0E0; --accent: #1565C0; }
* { box-sizing: border-box; }
body { font-family: {{ font_stack }}; color: var(--ink); margin: 0 auto; max-width: 60rem;
       padding: 1.5rem; font-size: 10.5pt; line-height: 1.45; background: #fff; }
h1 { font-size: 20pt; margin: 0 0 .3rem; color: var(--accent); }
h2 { font-size: 14pt; margin: 0 0 .2rem; border-bottom: 2px solid var(--accent);
     padding-bottom: .15rem; }
h3 { font-size: 11pt; margin: .9rem 0 .3rem; color: var(--muted); }
.meta { color: var(--muted); margin: 0 0 1rem; }
.meta span { margin-right: 1.2rem; white-space: nowrap; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: .6rem; margin: .8rem 0 1.2rem; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: .45rem .8rem; }
.card b { display: block; font-size: 14pt; }
.card small { color: var(--muted); }
.note { color: var(--muted); font-size: 9pt; margin: .2rem 0; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .6rem; font-size: 9pt; }
th, td { border-bottom: 1px solid var(--rule); padding: .22rem .45rem; text-align: left;
         vertical-align: top; }
th { background: #F5F5F5; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 600; border-top: 1px solid var(--muted); }
.swatch { display: inline-block; width: .7em; height: .7em; border-radius: 2px;
          margin-right: .35em; vertical-align: baseline; }
.key { color: var(--muted); font-size: 8pt; }
figure { margin: .5rem 0 .8rem; break-inside: avoid; page-break-inside: avoid; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 8.5pt; }
section.scheme { margin-top: 2rem; }
.directions span { display: inline-block; margin: 0 .8rem .2rem 0; }
.directions b { font-size: 12pt; }
.toc { columns: 2; column-gap: 2rem; padding-left: 1.2rem; font-size: 9.5pt; }
footer { color: var(--muted); font-size: 8pt; margin-top: 2rem; }
@page { size: A4; margin: 14mm 13mm 16mm;
        @bottom-right { content: counter(page) " / " counter(pages);
                        font-family: {{ font_stack }}; font-size: 8pt; color: #757575; }
        @bottom-left { content: "{{ title }} · {{ as_of }}";
                       font-family: {{ font_stack }}; font-size: 8pt; color: #757575; } }
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  section.scheme { break-before: page; page-break-before: always; margin-top: 0; }
  section.skipped { break-before: page; page-break-before: always; }
  table, tr, .keep { break-inside: avoid; page-break-inside: avoid; }
  .toc { break-after: page; }
  a { color: inherit; text-decoration: none; }
  footer { display: none; }
}
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="{{ html_lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ c.title }} · {{ c.as_of }}</title>
<style>{{ style }}</style>
</head>
<body>
<header>
  <h1>{{ c.title }}</h1>
  <p class="meta">
    <span>{{ t.as_of }}: <b>{{ c.as_of }}</b></span>
    <span>{{ t.system }}: {{ c.system_name }}{% if c.system_version %}
      ({{ t.version }} {{ c.system_version }}){% endif %}</span>
    <span>{{ t.snapshot }}: {{ c.snapshot_id }}</span>
  </p>
  <div class="cards">
    <div class="card"><small>{{ t.customers }}</small><b>{{ "{:,}".format(c.customers) }}</b></div>
    <div class="card"><small>{{ t.total_revenue }}</small><b>{{ money(c.total_revenue) }}</b></div>
    <div class="card"><small>{{ t.schemes_computed }}</small><b>{{ c.sections|length }}</b></div>
    <div class="card"><small>{{ t.compared_with }}</small>
      <b>{{ c.previous_as_of if c.previous_as_of else "–" }}</b></div>
  </div>
  {% if not c.previous_as_of %}<p class="note">{{ t.no_previous }}</p>{% endif %}
</header>

<h3>{{ t.overview }}</h3>
<table class="overview">
  <thead><tr><th>{{ t.scheme }}</th><th>{{ t.largest_class }}</th>
    <th class="num">{{ t.share }}</th>
    {% if c.previous_as_of %}<th class="num">{{ t.movers }}</th>{% endif %}</tr></thead>
  <tbody>
  {% for s in c.sections %}{% set top = largest(s) %}
    <tr><td><a href="#{{ s.name }}">{{ s.label }}</a></td>
      <td>{{ top.label }}</td><td class="num">{{ pct(top.share) }}</td>
      {% if c.previous_as_of %}<td class="num">{{ "{:,}".format(s.migration.movers)
        if s.migration else "–" }}</td>{% endif %}</tr>
  {% endfor %}
  </tbody>
</table>

{% for s in c.sections %}
<section class="scheme" id="{{ s.name }}">
  <h2>{{ s.label }} <span class="key">{{ s.name }}</span></h2>
  {% if s.description %}<p class="note">{{ s.description }}</p>{% endif %}
  <table>
    <thead><tr><th>{{ t.class }}</th><th class="num">{{ t.customers }}</th>
      <th class="num">{{ t.share }}</th><th class="num">{{ t.revenue_12m }}</th>
      <th class="num">{{ t.revenue_share }}</th></tr></thead>
    <tbody>
    {% for row in s.summary.itertuples() %}
      <tr><td><span class="swatch" style="background: {{ s.colours[loop.index0] }}"></span>
        {{- row.label }} <span class="key">{{ row.class_key }}</span></td>
        <td class="num">{{ "{:,}".format(row.customers) }}</td>
        <td class="num">{{ pct(row.share) }}</td>
        <td class="num">{{ money(row.revenue) }}</td>
        <td class="num">{{ pct(row.revenue_share) }}</td></tr>
    {% endfor %}
      <tr class="total"><td>{{ t.total }}</td>
        <td class="num">{{ "{:,}".format(s.summary.customers.sum()) }}</td>
        <td class="num">{{ pct(1.0) }}</td>
        <td class="num">{{ money(s.summary.revenue.sum()) }}</td><td class="num"></td></tr>
    </tbody>
  </table>
  {% for chart in s.charts if chart.kind != "migration" %}
  <figure><img alt="{{ chart.caption }} – {{ s.label }}" style="width: {{ width_in(chart.png) }}in"
    src="{{ data_uri(chart.png) }}"></figure>
  {% endfor %}
  {% if s.migration %}{% set m = s.migration %}
  <h3>{{ t.migrations }} ({{ m.previous_as_of }} → {{ c.as_of }})</h3>
  <p class="directions">
    <span>{{ t.movers }}: <b>{{ "{:,}".format(m.movers) }}</b></span>
    {% for d, n in m.directions.items() if n %}<span>{{ direction(d) }}: <b>{{ "{:,}".format(n)
    }}</b></span>{% endfor %}
  </p>
  {% for note in m.notes %}<p class="note">{{ note }}</p>{% endfor %}
  {% for chart in s.charts if chart.kind == "migration" %}
  <figure><img alt="{{ chart.caption }} – {{ s.label }}" style="width: {{ width_in(chart.png) }}in"
    src="{{ data_uri(chart.png) }}"></figure>
  {% else %}{% if m.movers %}<p class="note">{{ t.too_many_classes }}</p>{% endif %}
  {% endfor %}
  {% if m.movers %}
  <div class="keep">
  <p class="note">{{ t.top_movers }}</p>
  <table>
    <thead><tr><th>{{ t.customer_id }}</th><th>{{ t.name }}</th><th>{{ t.previous_class }}</th>
      <th>{{ t.current_class }}</th><th>{{ t.direction }}</th><th class="num">{{ t.revenue_12m }}</th></tr></thead>
    <tbody>{% for r in m.top_movers.itertuples() %}
      <tr><td>{{ r.customer_id }}</td><td>{{ r.name }}</td><td>{{ r.old }}</td><td>{{ r.new }}</td>
        <td>{{ r.direction }}</td><td class="num">{{ money(r.revenue_12m) }}</td></tr>
    {% endfor %}</tbody>
  </table>
  </div>
  {% endif %}
  {% endif %}
</section>
{% endfor %}

{% if c.skipped %}
<section class="skipped">
  <h2>{{ t.skipped_schemes }}</h2>
  <table><thead><tr><th>{{ t.scheme }}</th><th>{{ t.reason }}</th></tr></thead>
  <tbody>{% for name, label, reason in c.skipped %}
    <tr><td>{{ label }} <span class="key">{{ name }}</span></td><td>{{ reason }}</td></tr>
  {% endfor %}</tbody></table>
</section>
{% endif %}
<footer>{{ t.generated_by }} · {{ t.snapshot }} {{ c.snapshot_id }}</footer>
</body>
</html>
"""
