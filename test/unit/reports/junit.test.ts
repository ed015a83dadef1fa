import { describe, expect, it } from 'vitest';
import { escapeXml, renderJunit } from '../../../src/reports/junit.js';
import { makeScenario, reportFrom, seededAggregator } from './fixtures.js';

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#\d+|#x[0-9a-f]+|\w+);/gi, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    const v = ENTITY[e];
    if (v === undefined) throw new Error(`unknown entity ${m}`);
    return v;
  });
}

/** A strict little XML reader: one root, balanced tags, quoted attributes, known entities only. */
function parseXml(xml: string): XmlElement {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const token = /<\/([\w:-]+)\s*>|<([\w:-]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  const root: XmlElement = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = token.exec(body)) !== null) {
    pos = token.lastIndex;
    const top = stack.at(-1) as XmlElement;
    if (m[1]) {
      if (top.name !== m[1]) throw new Error(`</${m[1]}> closes <${top.name}>`);
      stack.pop();
    } else if (m[2]) {
      const attrs: Record<string, string> = {};
      for (const a of (m[3] ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)) {
        if ((a[1] as string) in attrs) throw new Error(`duplicate attribute ${a[1]}`);
        attrs[a[1] as string] = decode(a[2] as string);
      }
      const el: XmlElement = { name: m[2], attrs, children: [], text: '' };
      top.children.push(el);
      if (!m[4]) stack.push(el);
    } else if (m[5]) {
      if (/[<>]/.test(m[5]) || /&(?!(#\d+|#x[0-9a-f]+|\w+);)/i.test(m[5]))
        throw new Error(`bad text ${m[5]}`);
      top.text += decode(m[5]);
    }
  }
  if (pos !== body.length) throw new Error(`unparsed input at ${pos}: ${body.slice(pos, pos + 40)}`);
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)?.name}>`);
  const elements = root.children;
  if (elements.length !== 1 || root.text.trim() !== '') throw new Error('expected exactly one root element');
  return elements[0] as XmlElement;
}

const find = (el: XmlElement, name: string): XmlElement[] => el.children.filter((c) => c.name === name);

describe('renderJunit', () => {
  const scenario = makeScenario({
    name: 'gate <"&\'>',
    thresholds: [
      { expr: 'p99(mqtt_connect_duration_us) < 10s', abortOnFail: false },
      { expr: 'connect_failure_ratio < 1%', abortOnFail: false },
      { expr: 'ota_failed_total{reason="verify"} < 1000', abortOnFail: false },
    ],
  });
  const report = reportFrom({ agg: seededAggregator(4), scenario });
  const xml = renderJunit(report);
  const root = parseXml(xml);

  it('is well-formed with one testsuite and one testcase per threshold', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(root.name).toBe('testsuites');
    const suites = find(root, 'testsuite');
    expect(suites).toHaveLength(1);
    const suite = suites[0] as XmlElement;
    expect(suite.attrs).toMatchObject({ name: 'gate <"&\'>', tests: '3', failures: '1', errors: '0' });
    const cases = find(suite, 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(scenario.thresholds.map((t) => t.expr));
  });

  it('puts observed vs limit into the failure message', () => {
    const suite = find(root, 'testsuite')[0] as XmlElement;
    const failing = find(suite, 'testcase').filter((c) => find(c, 'failure').length > 0);
    expect(failing).toHaveLength(1);
    const failure = find(failing[0] as XmlElement, 'failure')[0] as XmlElement;
    expect(failure.attrs.message).toMatch(/^connect_failure_ratio = [\d.]+%, limit < 1%$/);
    // The body adds why the requests failed, when one reason dominates.
    expect(failure.text).toBe(
      `${failure.attrs.message}\n9.6 % of 2,400 connects timed out before a CONNACK came`,
    );
  });

  it('records seed and scenario as properties', () => {
    const suite = find(root, 'testsuite')[0] as XmlElement;
    const props = find(find(suite, 'properties')[0] as XmlElement, 'property');
    const byName = Object.fromEntries(props.map((p) => [p.attrs.name, p.attrs.value]));
    expect(byName).toMatchObject({
      seed: '42',
      scenario: 'gate <"&\'>',
      verdict: 'failed',
      status: 'completed',
    });
  });

  it('adds an error testcase when the run did not complete', () => {
    const aborted = parseXml(renderJunit({ ...report, status: 'aborted', statusReason: 'abort threshold' }));
    const suite = find(aborted, 'testsuite')[0] as XmlElement;
    expect(suite.attrs).toMatchObject({ tests: '4', errors: '1' });
    const run = find(suite, 'testcase').find((c) => c.attrs.name === 'run') as XmlElement;
    expect(find(run, 'error')[0]?.attrs.message).toBe('run aborted: abort threshold');
  });

  it('escapes markup and drops characters XML cannot hold', () => {
    expect(escapeXml('a<b>&"c\'\u0000\n')).toBe('a&lt;b&gt;&amp;&quot;c&apos;&#10;');
    expect(() =>
      parseXml(renderJunit({ ...report, statusReason: 'bad \u0001 byte', status: 'crashed' })),
    ).not.toThrow();
  });
});
