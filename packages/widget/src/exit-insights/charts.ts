// Chart.js with only what the dashboard draws (tree-shaken registration: bar charts on category and
// linear scales, tooltips and legend). Chart.js draws on a canvas and touches styles only
// through the CSSOM (canvas.style.*), which a strict Content-Security-Policy allows; it injects no
// <style> element and evaluates no strings.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';

let registered = false;

/** Registers the Chart.js parts the dashboard uses (once per page). */
export function registerCharts(): void {
  if (registered) return;
  registered = true;
  Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);
}

/** Colours of the dashboard's charts (light theme; overridable through CSS custom properties). */
export interface ChartPalette {
  accent: string;
  accentSoft: string;
  text: string;
  muted: string;
  grid: string;
  negative: string;
  neutral: string;
  positive: string;
  font: string;
}

/** A horizontal bar chart of shares (0..1) with a label per bar. */
export function shareBarConfig(options: {
  labels: string[];
  shares: number[];
  counts: number[];
  palette: ChartPalette;
  format: (share: number) => string;
  peopleLabel: (count: number) => string;
  horizontal?: boolean;
}): ChartConfiguration<'bar'> {
  const { palette } = options;
  const horizontal = options.horizontal ?? true;
  const valueAxis = {
    beginAtZero: true,
    grid: { color: palette.grid },
    border: { display: false },
    ticks: {
      color: palette.muted,
      callback: (value: string | number) => options.format(Number(value)),
      maxTicksLimit: 6,
    },
  };
  const labelAxis = {
    grid: { display: false },
    border: { display: false },
    ticks: { color: palette.text, autoSkip: false },
  };
  return {
    type: 'bar',
    data: {
      labels: options.labels,
      datasets: [
        {
          data: options.shares,
          backgroundColor: palette.accent,
          hoverBackgroundColor: palette.accent,
          borderRadius: 6,
          maxBarThickness: 26,
          categoryPercentage: 0.8,
        },
      ],
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: { duration: 250 },
      font: { family: palette.font },
      scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item) =>
              `${options.format(Number(item.raw))} · ${options.peopleLabel(options.counts[item.dataIndex] ?? 0)}`,
          },
        },
      },
    } as ChartConfiguration<'bar'>['options'],
  };
}

/** Exits per month: bars for shown months, gaps for withheld ones. */
export function trendConfig(options: {
  labels: string[];
  counts: Array<number | null>;
  palette: ChartPalette;
  exitsLabel: string;
  withheldLabel: string;
}): ChartConfiguration<'bar'> {
  const { palette } = options;
  return {
    type: 'bar',
    data: {
      labels: options.labels,
      datasets: [
        {
          label: options.exitsLabel,
          data: options.counts,
          backgroundColor: palette.accent,
          borderRadius: 4,
          maxBarThickness: 28,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: { duration: 250 },
      scales: {
        x: {
          grid: { display: false },
          border: { display: false },
          ticks: { color: palette.muted, maxRotation: 0, autoSkip: true },
        },
        y: {
          beginAtZero: true,
          grid: { color: palette.grid },
          border: { display: false },
          ticks: { color: palette.muted, precision: 0, maxTicksLimit: 5 },
        },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item) =>
              item.raw === null ? options.withheldLabel : `${options.exitsLabel}: ${item.raw}`,
          },
        },
      },
    },
  };
}

/** Sentiment per topic: stacked horizontal bars of negative, neutral and positive shares. */
export function sentimentConfig(options: {
  labels: string[];
  series: Array<{ label: string; color: string; shares: Array<number | null> }>;
  palette: ChartPalette;
  format: (share: number) => string;
}): ChartConfiguration<'bar'> {
  const { palette } = options;
  return {
    type: 'bar',
    data: {
      labels: options.labels,
      datasets: options.series.map((series) => ({
        label: series.label,
        data: series.shares,
        backgroundColor: series.color,
        borderWidth: 0,
        maxBarThickness: 22,
      })),
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: { duration: 250 },
      scales: {
        x: {
          stacked: true,
          max: 1,
          beginAtZero: true,
          grid: { color: palette.grid },
          border: { display: false },
          ticks: {
            color: palette.muted,
            callback: (value) => options.format(Number(value)),
            maxTicksLimit: 6,
          },
        },
        y: {
          stacked: true,
          grid: { display: false },
          border: { display: false },
          ticks: { color: palette.text, autoSkip: false },
        },
      },
      plugins: {
        legend: {
          position: 'bottom',
          align: 'start',
          labels: { color: palette.text, boxWidth: 12, boxHeight: 12, usePointStyle: false },
        },
        tooltip: {
          callbacks: {
            label: (item) =>
              `${item.dataset.label}: ${item.raw === null ? '—' : options.format(Number(item.raw))}`,
          },
        },
      },
    },
  };
}

export { Chart };
