import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import type { Quadrant } from '../../src/data/types.ts';
import { quadrantReport, regressionReport } from '../../src/eval/metrics.ts';
import {
  csvField, tableToCsv, tableToMarkdown, tableToJson, confusionToMarkdown, foldRecord,
  evaluationTable, evaluationToMarkdown, evaluationToCsv, evaluationToJson, pooledConfusion,
  type Table, type EvaluationResult,
} from '../../src/eval/report.ts';

test('csvField quotes per RFC 4180 only when needed', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('cr\r'), '"cr\r"');
  assert.equal(csvField(''), '');
});

test('tableToCsv: header, fixed decimals, CRLF records, and a round-trip through csv-parse', () => {
  const table: Table = {
    columns: ['name', 'value, rounded', 'note'],
    rows: [
      ['Björk, "Army of Me"', 0.123456789, 'multi\nline'],
      ['plain', -0.0000001, ''],
      ['tab\there', 2, 'he said "no", twice'],
    ],
  };
  const csv = tableToCsv(table, { digits: 4 });
  assert.ok(csv.startsWith('name,"value, rounded",note\r\n'));
  assert.ok(csv.endsWith('\r\n'));
  const parsed = parse(csv) as string[][];
  assert.deepEqual(parsed, [
    table.columns,
    ['Björk, "Army of Me"', '0.1235', 'multi\nline'],
    ['plain', '0.0000', ''],
    ['tab\there', '2.0000', 'he said "no", twice'],
  ]);
  // default: 6 decimals; eol can be changed
  assert.equal(tableToCsv({ columns: ['x'], rows: [[1 / 3]] }, { eol: '\n' }), 'x\n0.333333\n');
  assert.throws(() => tableToCsv({ columns: ['a', 'b'], rows: [[1]] }), { name: 'RangeError', message: /row 0 has 1 cells for 2 columns/ });
});

test('tableToMarkdown: header, alignment, fixed decimals, escaped pipes and newlines', () => {
  const md = tableToMarkdown({ columns: ['model', 'rmse'], rows: [['SVR | rbf', 0.2], ['CRNN\nv2', 0.18765]] });
  assert.equal(md, [
    '| model | rmse |',
    '| --- | ---: |',
    '| SVR \\| rbf | 0.200 |',
    '| CRNN<br>v2 | 0.188 |',
    '',
  ].join('\n'));
  assert.equal(tableToMarkdown({ columns: ['x'], rows: [[1.23456]] }, 1), '| x |\n| ---: |\n| 1.2 |\n');
});

test('tableToJson: one object per row, numbers rounded, NaN as null', () => {
  const json = tableToJson({ columns: ['fold', 'r'], rows: [['1', 0.1 + 0.2], ['2', NaN]] });
  assert.deepEqual(JSON.parse(json), [{ fold: '1', r: 0.3 }, { fold: '2', r: null }]);
  assert.throws(() => tableToJson({ columns: ['a', 'a'], rows: [] }), RangeError);
});

// Two folds with hand-checkable quadrant results.
const fold1 = quadrantReport(['Q1', 'Q2', 'Q3', 'Q4'] as Quadrant[], ['Q1', 'Q2', 'Q3', 'Q3'] as Quadrant[]); // acc 0.75
const fold2 = quadrantReport(['Q1', 'Q1', 'Q3', 'Q4'] as Quadrant[], ['Q1', 'Q2', 'Q3', 'Q4'] as Quadrant[]); // acc 0.75
const result: EvaluationResult = {
  title: 'CRNN on 4Q',
  folds: [
    { label: '1', quadrants: fold1 },
    { label: '2', quadrants: fold2 },
  ],
};

test('confusion matrix as Markdown: true quadrants as rows, integer counts', () => {
  assert.equal(confusionToMarkdown(pooledConfusion(result)!), [
    '| true \\ pred | Q1 | Q2 | Q3 | Q4 |',
    '| --- | ---: | ---: | ---: | ---: |',
    '| Q1 | 2 | 0 | 0 | 0 |',
    '| Q2 | 1 | 1 | 0 | 0 |',
    '| Q3 | 0 | 0 | 2 | 1 |',
    '| Q4 | 0 | 0 | 0 | 1 |',
    '',
  ].join('\n'));
});

test('foldRecord flattens reports with stable keys', () => {
  const reg = regressionReport({ valence: [0.1, 0.2], arousal: [0.3, -0.1] }, { valence: [0, 0.3], arousal: [0.2, -0.2] });
  const keys = Object.keys(foldRecord({ label: 'x', regression: reg, quadrants: fold1 }));
  assert.deepEqual(keys, [
    'valence.rmse', 'valence.mae', 'valence.r2', 'valence.pearson', 'valence.ccc',
    'arousal.rmse', 'arousal.mae', 'arousal.r2', 'arousal.pearson', 'arousal.ccc',
    'emotionAccuracy', 'valenceHalf', 'arousalHalf',
    'quadrant.accuracy', 'quadrant.macroF1', 'quadrant.valenceHalf', 'quadrant.arousalHalf',
  ]);
});

test('evaluation table: per-fold rows and a mean ± std row', () => {
  const t = evaluationTable(result);
  assert.deepEqual(t.columns, ['fold', 'quadrant.accuracy', 'quadrant.macroF1', 'quadrant.valenceHalf', 'quadrant.arousalHalf']);
  assert.equal(t.rows.length, 3);
  assert.deepEqual(t.rows[0].slice(0, 2), ['1', 0.75]);
  // accuracies 0.75 and 0.75 → 0.750 ± 0.000. The one error per fold (true Q3 → Q4, true Q2 → Q1)
  // keeps the arousal half and flips valence: arousal-half 1.000, valence-half 0.750.
  assert.equal(t.rows[2][0], 'mean ± std');
  assert.equal(t.rows[2][1], '0.750 ± 0.000');
  assert.equal(t.rows[2][4], '1.000 ± 0.000');
  assert.equal(t.rows[2][3], '0.750 ± 0.000');
});

test('evaluationToMarkdown: title, fold table, pooled confusion', () => {
  const md = evaluationToMarkdown(result);
  assert.ok(md.startsWith('## CRNN on 4Q\n'));
  assert.ok(md.includes('| fold | quadrant.accuracy |'));
  assert.ok(md.includes('| 1 | 0.750 |'));
  assert.ok(md.includes('| mean ± std | 0.750 ± 0.000 |'));
  assert.ok(md.includes('| Q3 | 0 | 0 | 2 | 1 |'));
});

test('evaluationToCsv: numeric mean and std rows; evaluationToJson: folds, overall, pooled confusion', () => {
  const rows = parse(evaluationToCsv(result, { digits: 3 })) as string[][];
  assert.deepEqual(rows.map((r) => r[0]), ['fold', '1', '2', 'mean', 'std']);
  assert.deepEqual(rows[3].slice(0, 2), ['mean', '0.750']);
  assert.deepEqual(rows[4].slice(0, 2), ['std', '0.000']);

  const json = JSON.parse(evaluationToJson(result)) as {
    title: string;
    folds: { label: string; metrics: Record<string, number>; confusion: { matrix: number[][] } }[];
    overall: Record<string, { mean: number; std: number; n: number }>;
    confusion: { classes: string[]; matrix: number[][] };
  };
  assert.equal(json.title, 'CRNN on 4Q');
  assert.equal(json.folds[1].metrics['quadrant.accuracy'], 0.75);
  assert.deepEqual(json.overall['quadrant.accuracy'], { mean: 0.75, std: 0, n: 2 });
  assert.deepEqual(json.confusion.classes, ['Q1', 'Q2', 'Q3', 'Q4']);
  assert.deepEqual(json.confusion.matrix[1], [1, 1, 0, 0]);
  assert.throws(() => evaluationToJson({ folds: [] }), RangeError);
});
