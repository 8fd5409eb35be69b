/** The suite's plots: vega-lite specs compiled and rendered to SVG with vega's headless View. */
import { writeFileSync } from 'node:fs';
import * as vega from 'vega';
import * as vl from 'vega-lite';

export async function renderSvg(spec: vl.TopLevelSpec, file: string): Promise<void> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  writeFileSync(file, svg);
}

export interface Point {
  server: string;
  x: number;
  y: number;
  series?: string;
}

export function lineSpec(title: string, xTitle: string, yTitle: string, points: Point[], opts: { logY?: boolean } = {}): vl.TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 480,
    height: 280,
    background: 'white',
    data: { values: points },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: xTitle, axis: { format: 'd' } },
      y: { field: 'y', type: 'quantitative', title: yTitle, ...(opts.logY ? { scale: { type: 'log' } } : {}) },
      color: { field: 'server', type: 'nominal', title: 'server' },
      strokeDash: { field: 'series', type: 'nominal', title: '' },
      detail: { field: 'series', type: 'nominal' },
    },
  } as vl.TopLevelSpec;
}
