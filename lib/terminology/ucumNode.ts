// Server-side unit converter: the precomputed table first, the full UCUM library for anything else.
import { UcumLhcUtils } from '@lhncbc/ucum-lhc';
import { ucumFallback } from './ucumFallback';
import { createUnitConverter, type UnitConverter } from './units';

let converter: UnitConverter | undefined;

export function serverUnitConverter(): UnitConverter {
  converter ??= createUnitConverter(ucumFallback(UcumLhcUtils.getInstance()));
  return converter;
}
