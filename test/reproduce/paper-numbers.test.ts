/**
 * The "paper" columns of `sentio reproduce` are transcribed into src/reproduce/index.ts;
 * these tests read the seed texts in ../shared/seeds and check every transcribed number
 * (and the hyper-parameters the protocols take from them) against the source.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sharedPath, skipUnless } from '../helpers/shared.ts';
import { HAVRANEK2021, MALIK2017, type MalikRow, type PaperValue } from '../../src/reproduce/index.ts';
import { getArchitecture } from '../../src/models/registry.ts';

const SEEDS = sharedPath('seeds');
const seedText = (prefix: string): string => readFileSync(path.join(SEEDS, readdirSync(SEEDS).find((f) => f.startsWith(prefix))!), 'utf8');
const skip = skipUnless(SEEDS);

/**
 * A cell of the seed's Malik tables. The plain-text seed lost the "±": "0.2750.004" is
 * 0.275 ± 0.004 (both printed with three decimals); a lone "0.285" has no std.
 */
function parseMalikCell(cell: string): PaperValue {
  const m = /^(\d\.\d{3})(\d\.\d{3})?$/.exec(cell.trim());
  assert.ok(m, `unexpected cell '${cell}'`);
  return m[2] === undefined ? { mean: Number(m[1]) } : { mean: Number(m[1]), std: Number(m[2]) };
}

/** Rows "60 | v | a | avg | v | a | avg |" of the seed's two Table 1 blocks, in order. */
function malikTable1Rows(text: string): { length: number; cells: PaperValue[] }[] {
  return text
    .split('\n')
    .filter((l) => /^(60|30|20|10) \| /.test(l))
    .map((l) => {
      const [length, ...cells] = l.split('|').map((c) => c.trim()).filter((c) => c !== '');
      return { length: Number(length), cells: cells.map(parseMalikCell) };
    });
}

const triple = (r: MalikRow): PaperValue[] => [r.valence, r.arousal, r.average];

test('Malik et al. 2017: Tables 1(a), 1(b) and 2 match the seed text', { skip }, () => {
  const text = seedText('000_');
  const rows = malikTable1Rows(text);
  assert.equal(rows.length, 8);
  const tables = [MALIK2017.table1a, MALIK2017.table1b];
  rows.forEach((row, i) => {
    const t = tables[Math.floor(i / 4)];
    const L = row.length as 60 | 30 | 20 | 10;
    assert.deepEqual([...triple(t.evaluation[L]), ...triple(t.development[L])], row.cells, `table ${Math.floor(i / 4) === 0 ? '1(a)' : '1(b)'}, length ${L}`);
  });
  assert.deepEqual([...new Set(rows.map((r) => r.length))], [...MALIK2017.lengths]);
  const table2 = (label: string) => text.split('\n').find((l) => l.startsWith(`${label} |`))!.split('|').slice(1).map((c) => c.trim()).filter((c) => c !== '').map(parseMalikCell);
  assert.deepEqual(table2('Li et al. [25]'), triple(MALIK2017.table2.li));
  assert.deepEqual(table2('CRNN_NB'), triple(MALIK2017.table2.crnnNb));
});

test('Malik et al. 2017: the protocol takes §3.5 hyper-parameters', { skip }, () => {
  const text = seedText('000_');
  assert.match(text, /one layer each of CNN, FC and GRU with eight units each, a dropout rate of 0\.25, L1 of 0\.1 and L2 of 0\.001/);
  assert.match(text, /mini-batch size of 32/);
  assert.match(text, /only the dropout changed to 0\.75/);
  assert.match(text, /five separate runs/);
  const d = getArchitecture(MALIK2017.architecture).defaults;
  assert.deepEqual([d.convFilters, d.fcUnits, d.gruUnits, d.dropout, d.l1, d.l2], [8, 8, 8, 0.25, 0.1, 0.001]);
  assert.equal(MALIK2017.features.baseline.architectureOptions.dropout, 0.25);
  assert.equal(MALIK2017.features.logmel.architectureOptions.dropout, 0.75);
  assert.equal(MALIK2017.training.batchSize, 32);
  assert.equal(MALIK2017.training.loss, 'rmse');
  assert.equal(MALIK2017.seeds.length, 5);
});

test('Havránek 2021: Table 1 hyper-parameters and Table 2 numbers match the seed text', { skip }, () => {
  const text = seedText('003_');
  const cell = (label: string) => text.split('\n').find((l) => l.startsWith(`${label}\t`))!.split('\t').slice(1);
  assert.deepEqual(cell('GRU hidden size'), [String(HAVRANEK2021.architectureOptions.hidden)]);
  assert.deepEqual(cell('Sequence length'), [String(HAVRANEK2021.sequenceFrames)]);
  assert.deepEqual(cell('Dropout rate'), [String(HAVRANEK2021.architectureOptions.dropout)]);
  assert.deepEqual(cell('Batch size'), [String(HAVRANEK2021.training.batchSize)]);
  assert.match(text, /learning rate 0\.001 and weight decay 0\.001/);
  assert.match(text, /training was run for 5 epochs/);
  assert.match(text, /ensemble comprised 5 parallel neural networks/);
  assert.match(text, /regularization parameter \$C = 0\.1\$/);
  const value = (s: string): PaperValue => {
    const [mean, std] = s.split('±').map((x) => Number(x.trim()));
    return std === undefined ? { mean } : { mean, std };
  };
  const rows = { expected: 'Expected value', svr: 'SVR', single: 'Single parallel NN', ensemble: 'Ensemble' } as const;
  for (const [key, label] of Object.entries(rows) as [keyof typeof rows, string][]) {
    const [arousal, valence, n] = cell(label);
    assert.deepEqual(HAVRANEK2021.table2[key], { arousal: value(arousal), valence: value(valence), n: Number(n) }, label);
  }
});
