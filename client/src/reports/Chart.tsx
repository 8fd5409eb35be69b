import { useEffect, useRef } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * A uPlot chart (canvas; ~50 KB, only in the reports' lazy chunk) that follows its box's width.
 * Remade when the data or options change; resized, not remade, when the window changes.
 */
export function Chart({ options, data, label, testId }: { options: Omit<Options, 'width'>; data: AlignedData; label: string; testId: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(280, el.clientWidth);
    const plot = new uPlot({ ...options, width: width() } as Options, data, el);
    const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: options.height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [options, data]);
  // The numbers are in the tables beside each chart: the chart itself is one named image.
  return <div ref={box} className="reports__chart" role="img" aria-label={label} data-testid={testId} />;
}

/** Axis labels in Tokyo time, whatever the terminal's zone. */
export const tokyo = (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Tokyo');
const hourMinute = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const monthDay = new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', month: 'numeric', day: 'numeric' });
/** Time ticks as the office reads them: 24-hour clock, the date (M/D) at midnight. */
export const timeTicks = (_u: uPlot, splits: number[]) =>
  splits.map((ts) => {
    const at = new Date(ts * 1000);
    const hm = hourMinute.format(at);
    return hm === '00:00' ? monthDay.format(at) : hm;
  });
/** The legend's time: date and time in Tokyo. */
export const legendTime = (_u: uPlot, ts: number | null) => (ts == null ? '--' : `${monthDay.format(new Date(ts * 1000))} ${hourMinute.format(new Date(ts * 1000))}`);
export const stepped = uPlot.paths.stepped?.({ align: 1 });
export const bars = uPlot.paths.bars?.({ size: [0.9, 40] });
