// The UCUM library ships no type declarations; this describes the one call we use.
declare module '@lhncbc/ucum-lhc' {
  export interface ConvertResult {
    status: 'succeeded' | 'failed' | 'error';
    toVal: number | null;
    msg?: string[];
  }
  export interface UcumUtils {
    convertUnitTo(
      fromUnit: string,
      value: number,
      toUnit: string,
      options?: { molecularWeight?: number; charge?: number },
    ): ConvertResult;
  }
  export const UcumLhcUtils: { getInstance(): UcumUtils };
}
