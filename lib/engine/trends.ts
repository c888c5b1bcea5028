// Trends: the last few results of each analyte marked `trend`, converted to its unit, so a falling
// potassium is visible at a glance. Values that cannot be converted are counted, never guessed.
import type { UnitConverter } from '../terminology/units';
import type { ResultIndex } from './criteria';
import { ref } from './criteria';
import { DAY_MS } from './dates';
import { beyond, limitFor, readValue, unitLabel } from './labs';
import type { Analyte, Trend, TrendPoint } from './types';

export function trendsFor(
  analytes: Iterable<Analyte>,
  results: ResultIndex,
  now: Date,
  units: UnitConverter,
): Trend[] {
  const trends: Trend[] = [];
  for (const analyte of analytes) {
    const settings = analyte.trend;
    if (!settings) continue;
    const recent = results
      .get(analyte.loinc)
      .filter((r) => now.getTime() - r.when.getTime() <= settings.days * DAY_MS)
      .slice(0, settings.points);
    if (recent.length === 0) continue;
    const points: TrendPoint[] = [];
    let omitted = 0;
    for (const { obs, date } of recent) {
      const reading = readValue(obs, analyte, units);
      if (reading.kind !== 'value') {
        omitted++;
        continue;
      }
      const low = limitFor(obs, analyte, 'low', units);
      const high = limitFor(obs, analyte, 'high', units);
      const flag =
        low && beyond('low', reading.value, reading.comparator, low.value)
          ? 'low'
          : high && beyond('high', reading.value, reading.comparator, high.value)
            ? 'high'
            : undefined;
      points.push({
        reference: ref(obs),
        date,
        value: reading.value,
        ...(reading.comparator ? { comparator: reading.comparator } : {}),
        ...(flag ? { flag } : {}),
      });
    }
    // The limits shown are those of the latest result, as the rules use them.
    const latest = recent[0]?.obs;
    const low = latest ? limitFor(latest, analyte, 'low', units)?.value : analyte.defaultLow;
    const high = latest ? limitFor(latest, analyte, 'high', units)?.value : analyte.defaultHigh;
    trends.push({
      analyte: analyte.id,
      label: analyte.label,
      unit: unitLabel(analyte),
      ...(low !== undefined ? { low } : {}),
      ...(high !== undefined ? { high } : {}),
      points: points.reverse(),
      omitted,
      settings,
    });
  }
  return trends;
}
