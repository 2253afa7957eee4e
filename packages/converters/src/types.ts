import type { WsjfReport } from '@tswats/sdk';
import type { InputFile } from './input.js';

/**
 * What fills the gaps a file leaves. Every field is optional; converters use a value from
 * the file when the file has one, unless the option says to override.
 */
export interface ConvertOptions {
  /** Process (test operation) code, e.g. 10. Each format has its own default. */
  processCode?: number;
  /** Part revision when the file has none. @default '1' */
  partRevision?: string;
  /** Part number when the file has none (some formats never carry one). */
  partNumber?: string;
  /** Station (machine) name when the file has none. @default the machine's host name, else 'unknown' */
  stationName?: string;
  /** Station location. @default 'unknown' */
  location?: string;
  /** Station purpose. @default 'Production' */
  purpose?: string;
  /** Operator when the file has none. */
  operator?: string;
  /**
   * IANA time zone of timestamps written without an offset, e.g. `Europe/Oslo`.
   * Timestamps are emitted with their real offset, never a local time labelled UTC.
   * @default the machine's time zone
   */
  timeZone?: string;
  /** Format-specific settings, by converter name: `{ 'spea-ict3030': { ... } }`. */
  formats?: Record<string, Record<string, unknown>>;
}

/** The resolved options a converter receives: every common field set. */
export interface ConvertContext {
  readonly options: Readonly<Required<Omit<ConvertOptions, 'processCode' | 'partNumber' | 'operator' | 'formats'>>> & {
    readonly processCode: number | undefined;
    readonly partNumber: string | undefined;
    readonly operator: string | undefined;
    readonly formats: Readonly<Record<string, Record<string, unknown>>>;
  };
  /** Records a warning (data kept but changed, guessed or skipped). */
  warn(message: string, position?: { line?: number; element?: string }): void;
}

/** A converter's verdict on a file. */
export interface Detection {
  /**
   * 0 when the file has no signature of the format at all (an extension alone is not a
   * signature); up to 1 when the format's own markers are present.
   */
  confidence: number;
  /** A few identifying fields read from the head of the file, when cheap to get. */
  preview?: { serialNumber?: string; partNumber?: string; result?: string; start?: string; units?: number };
}

/** One test-equipment format. Converters are pure: bytes in, reports out; no network. */
export interface Converter {
  /** Stable name, kebab-case: `wsjf`, `atml`, `spea-ict3030`, ... */
  readonly name: string;
  /** One line for `tswats detect` and the docs. */
  readonly description: string;
  /** Usual file extensions, lower case with the dot. Hints only; detection reads content. */
  readonly extensions: readonly string[];
  /** True when the converter needs the file's companion folder (Klippel). */
  readonly needsFolder?: boolean;
  /**
   * True when the format carries report ids of its own (WSJF, WSXF) and they are kept.
   * Otherwise every report gets an id derived from its content and its place in the file,
   * so converting the same file twice gives the same ids (the server then overwrites
   * instead of duplicating).
   */
  readonly keepsIds?: boolean;
  /** Looks at the head of the file (first 64 KiB) and its name. Must not throw. */
  detect(file: InputFile): Detection | Promise<Detection>;
  /**
   * Yields one report per unit in the file, in file order. Throws `ConversionError` for
   * input it cannot convert, naming the position.
   */
  convert(file: InputFile, ctx: ConvertContext): AsyncIterable<WsjfReport> | Iterable<WsjfReport>;
}

/** A warning from a conversion: kept data that was changed, guessed or skipped. */
export interface ConversionWarning {
  message: string;
  line?: number;
  element?: string;
}

/** What `convert()` returns. */
export interface ConvertResult {
  format: string;
  reports: WsjfReport[];
  warnings: ConversionWarning[];
}

/** What `detect()` returns. */
export interface DetectResult {
  /** The best format, or undefined when nothing claims the file. */
  format: string | undefined;
  confidence: number;
  preview: Detection['preview'];
  /** Every converter with a confidence above 0, best first. */
  candidates: { format: string; confidence: number }[];
}
