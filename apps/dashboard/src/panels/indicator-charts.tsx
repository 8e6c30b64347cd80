import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { IndicatorAggregate } from '../api/types';
import { TLP_LEVELS } from '../domain/vocabulary';
import { jstDay } from '../format/jst';
import { useFormat } from '../ui/use-format';

const TLP_COLOURS: Record<string, string> = {
  RED: '#FF2B2B',
  'AMBER+STRICT': '#FFC000',
  AMBER: '#FFC000',
  GREEN: '#33FF00',
  CLEAR: '#FFFFFF',
};
const PALETTE = [
  '#1f5fa8',
  '#c2410c',
  '#15803d',
  '#7e22ce',
  '#b91c1c',
  '#0e7490',
  '#a16207',
  '#be185d',
  '#4d7c0f',
  '#334155',
];

type Dim = 'sector' | 'type' | 'tlp';
/** The series key of indicators whose publisher has no sector (government bodies). */
const NO_SECTOR = '(none)';

/** Every JST day from the aggregate's start to its end, so empty days show as gaps. */
function daysOf(a: IndicatorAggregate): string[] {
  const out: string[] = [];
  const asDay = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? v : jstDay(v));
  const first = asDay(a.from);
  const last = asDay(a.to);
  if (!first || !last) return a.byDay.map((d) => d.day);
  for (
    let d = Date.parse(`${first}T00:00:00Z`);
    d <= Date.parse(`${last}T00:00:00Z`) && out.length < 400;
    d += 86_400_000
  )
    out.push(new Date(d).toISOString().slice(0, 10));
  return out;
}

function rows(
  a: IndicatorAggregate,
  dim: Dim,
): { keys: string[]; data: Record<string, number | string>[] } {
  const keys = new Set<string>();
  const byDay = new Map<string, Record<string, number | string>>();
  for (const day of daysOf(a)) byDay.set(day, { day });
  for (const s of a.series) {
    const k = String(s[dim] ?? NO_SECTOR);
    keys.add(k);
    const row = byDay.get(s.day) ?? { day: s.day };
    row[k] = (Number(row[k]) || 0) + s.count;
    byDay.set(s.day, row);
  }
  const ordered =
    dim === 'tlp'
      ? TLP_LEVELS.filter((l) => keys.has(l))
      : [...keys].sort((x, y) => x.localeCompare(y));
  return {
    keys: ordered,
    data: [...byDay.values()].sort((x, y) => String(x.day).localeCompare(String(y.day))),
  };
}

function Chart({ aggregate, dim }: { aggregate: IndicatorAggregate; dim: Dim }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { keys, data } = useMemo(() => rows(aggregate, dim), [aggregate, dim]);
  const label = (k: string) =>
    dim === 'tlp'
      ? `TLP:${k}`
      : dim === 'sector'
        ? k === NO_SECTOR
          ? t('volume.noSector')
          : t(`sector.${k}`, { defaultValue: k })
        : t(`indicatorType.${k}`, { defaultValue: k });
  const title = t(`volume.by${dim === 'tlp' ? 'Tlp' : dim === 'type' ? 'Type' : 'Sector'}`);
  // TLP colours are defined on black: that chart is drawn on black, its text in white.
  const ink = dim === 'tlp' ? '#ffffff' : '#27272a';
  return (
    <figure className="chart" data-testid={`chart-${dim}`}>
      <figcaption>{title}</figcaption>
      <div className={dim === 'tlp' ? 'chart-area chart-tlp' : 'chart-area'}>
        <ResponsiveContainer width="100%" height={220}>
          <BarChart
            data={data}
            margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
            accessibilityLayer
          >
            <CartesianGrid strokeDasharray="3 3" stroke={dim === 'tlp' ? '#52525b' : '#d4d4d8'} />
            <XAxis
              dataKey="day"
              tickFormatter={(d: string) => f.day(d)}
              minTickGap={16}
              tick={{ fontSize: 12, fill: ink }}
            />
            <YAxis allowDecimals={false} width={40} tick={{ fontSize: 12, fill: ink }} />
            <Tooltip
              labelFormatter={(d) => f.day(String(d))}
              formatter={(v, name) => [f.number(Number(v)), label(String(name))]}
            />
            <Legend
              formatter={(v) => label(String(v))}
              wrapperStyle={{ fontSize: 12, color: ink }}
            />
            {keys.map((k, i) => (
              <Bar
                key={k}
                dataKey={k}
                stackId="day"
                fill={
                  dim === 'tlp'
                    ? (TLP_COLOURS[k] ?? '#999')
                    : (PALETTE[i % PALETTE.length] ?? '#999')
                }
                stroke={dim === 'tlp' ? '#000000' : undefined}
                strokeWidth={dim === 'tlp' ? 0.5 : 0}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

export default function IndicatorCharts({ aggregate }: { aggregate: IndicatorAggregate }) {
  return (
    <div className="charts">
      <Chart aggregate={aggregate} dim="sector" />
      <Chart aggregate={aggregate} dim="type" />
      <Chart aggregate={aggregate} dim="tlp" />
    </div>
  );
}
