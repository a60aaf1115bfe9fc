import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadDigits, writeDigitImages } from '../../src/cli/digits.js';
import { DeepImageFeaturizer } from '../../src/dl/DeepImageFeaturizer.js';
import { DeepImagePredictor } from '../../src/dl/DeepImagePredictor.js';
import { ExecutionError, ParamError } from '../../src/errors.js';
import type { DataFrame } from '../../src/frame/DataFrame.js';
import { col, expr } from '../../src/frame/functions.js';
import { Session } from '../../src/frame/Session.js';
import { StringIndexer } from '../../src/ml/feature/StringIndexer.js';
import { PipelineModel } from '../../src/ml/PipelineModel.js';
import type { Row } from '../../src/types/Value.js';
import { fitDigitLabeller } from '../fixtures/digitsPipeline.js';

/** Models registered as SQL functions: the same values as the DataFrame API's stages, wherever SQL puts them. */
describe('models as SQL functions on the embedded engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepframe-sqlfn-'));
  let session: Session;
  let images: DataFrame;
  const byOrigin = (rows: Row[]) => [...rows].sort((a, b) => String(a.o).localeCompare(String(b.o)));

  before(async () => {
    const digits = await loadDigits();
    await writeDigitImages(digits, digits.test.slice(0, 60), join(dir, 'digits'));
    session = await Session.builder().master('local[2]').create();
    images = session.read.images(join(dir, 'digits'), { recursive: true, labelFromFolder: true });
    await images.createOrReplaceTempView('images');
    await session.udf.registerImageModel('classify', 'DigitsCNN', { decodePredictions: true, topK: 2 });
    await session.udf.registerImageModel('probs', 'DigitsCNN');
    await session.udf.registerModel(
      'features',
      new DeepImageFeaturizer({ inputCol: 'image', modelName: 'DigitsBackbone0to4' }),
    );
  });
  after(async () => {
    await session.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('in a projection: the values DeepImagePredictor and DeepImageFeaturizer give', async () => {
    const bySql = byOrigin(
      await session
        .sql('SELECT image.origin AS o, probs(image) AS p, features(image) AS f FROM images')
        .collect(),
    );
    const predicted = await new DeepImagePredictor({ modelName: 'DigitsCNN', outputCol: 'p' }).transform(
      images,
    );
    const featured = await new DeepImageFeaturizer({
      modelName: 'DigitsBackbone0to4',
      outputCol: 'f',
    }).transform(predicted);
    const byApi = byOrigin(await featured.select(col('image.origin').alias('o'), 'p', 'f').collect());
    assert.equal(bySql.length, 60);
    assert.deepEqual(
      await session.sql('SELECT probs(image) AS p FROM images').schema(),
      await predicted.select('p').schema(),
    );
    bySql.forEach((r, i) => {
      assert.equal(r.o, byApi[i]?.o);
      assert.deepEqual(Array.from(r.p as Float32Array), Array.from(byApi[i]?.p as Float32Array));
      assert.deepEqual(Array.from(r.f as Float32Array), Array.from(byApi[i]?.f as Float32Array));
    });
  });

  it('in WHERE, GROUP BY and aggregates', async () => {
    const right = await session
      .sql('SELECT count(*) AS n FROM images WHERE classify(image)[1].class = label')
      .collect();
    const perDigit = await session
      .sql(
        `SELECT digit, count(*) AS n, avg(p) AS confidence
         FROM (SELECT classify(image)[1].class AS digit, classify(image)[1].probability AS p FROM images)
         GROUP BY digit ORDER BY digit`,
      )
      .collect();
    const predicted = await new DeepImagePredictor({
      modelName: 'DigitsCNN',
      outputCol: 'top',
      decodePredictions: true,
      topK: 2,
    }).transform(images);
    const rows = await predicted.select('label', 'top').collect();
    const expectedRight = rows.filter((r) => (r.top as { class: string }[])[0]?.class === r.label).length;
    assert.equal(Number(right[0]?.n), expectedRight);
    assert.ok(expectedRight >= 57, `${expectedRight} of 60`);
    assert.equal(
      perDigit.reduce((a, r) => a + Number(r.n), 0),
      60,
    );
    for (const r of perDigit) assert.ok(Number(r.confidence) > 0.5 && Number(r.confidence) <= 1);
  });

  it('in joins, and through expr() in the DataFrame API', async () => {
    await session
      .createDataFrame([
        { digit: '0', word: 'zero' },
        { digit: '7', word: 'seven' },
      ])
      .createOrReplaceTempView('words');
    const joined = await session
      .sql(
        `SELECT w.word, count(*) AS n FROM images i JOIN words w ON classify(i.image)[1].class = w.digit
         GROUP BY w.word ORDER BY w.word`,
      )
      .collect();
    const labels = await images.groupBy('label').count().collect();
    const count = (d: string) => Number(labels.find((r) => r.label === d)?.count ?? 0);
    assert.deepEqual(
      joined.map((r) => r.word),
      ['seven', 'zero'].filter((w) => count(w === 'seven' ? '7' : '0') > 0),
    );
    const viaExpr = await images.select(expr('classify(image)[1].class').alias('digit'), 'label').collect();
    assert.equal(viaExpr.length, 60);
    assert.ok(viaExpr.filter((r) => r.digit === r.label).length >= 57);
    // File paths work as arguments too.
    const paths = await session
      .sql("SELECT classify(replace(image.origin, 'file://', ''))[1].class AS d, label FROM images")
      .collect();
    assert.ok(paths.filter((r) => r.d === r.label).length >= 57);
  });

  it('runs a PipelineModel (featurizer → logistic regression → IndexToString) as one function', async () => {
    const model = await fitDigitLabeller(images);
    await session.udf.registerModel('digit', model);
    await session.udf.registerModel('digit_probability', model, { outputCol: 'probability' });
    const bySql = byOrigin(
      await session
        .sql('SELECT image.origin AS o, digit(image) AS d, digit_probability(image) AS p FROM images')
        .collect(),
    );
    const byApi = byOrigin(
      await (await model.transform(images))
        .select(col('image.origin').alias('o'), 'digit', 'probability')
        .collect(),
    );
    assert.deepEqual(
      bySql.map((r) => r.d),
      byApi.map((r) => r.digit),
    );
    bySql.forEach((r, i) => {
      assert.deepEqual(Array.from(r.p as Float32Array), Array.from(byApi[i]?.probability as Float32Array));
    });
    assert.ok(bySql.filter((r, i) => r.d === byApi[i]?.digit).length === 60);
    await assert.rejects(
      session.udf.registerModel(
        'withIndexer',
        new PipelineModel({
          stages: [await new StringIndexer({ inputCol: 'label', outputCol: 'y' }).fit(images)],
        }),
      ),
      /UNSUPPORTED_SQL_FUNCTION/,
    );
  });

  it('names the function and its row policy when it fails, and refuses bad registrations', async () => {
    writeFileSync(join(dir, 'broken.png'), 'not a png');
    await session.udf.registerImageModel('strict', 'DigitsCNN', { onError: 'fail' });
    await assert.rejects(
      session.sql(`SELECT strict('${join(dir, 'broken.png')}') AS p`).collect(),
      (e: unknown) => {
        assert.ok(e instanceof ExecutionError);
        assert.match(e.message, /SQL function strict \(rows it cannot use: fail the query, onError 'fail'\)/);
        assert.match(e.message, /broken\.png/);
        return true;
      },
    );
    const lenient = await session.sql(`SELECT probs('${join(dir, 'broken.png')}') AS p`).collect();
    assert.deepEqual(lenient, [{ p: null }]);
    await assert.rejects(
      session.sql('SELECT probs(42) FROM images').collect(),
      /No function matches.*probs/s,
    );
    await assert.rejects(session.sql('SELECT nosuchfn(image) FROM images').collect(), /nosuchfn/);
    await assert.rejects(session.udf.registerImageModel('abs', 'DigitsCNN'), (e: unknown) => {
      assert.ok(e instanceof ParamError);
      assert.equal(e.errorClass, 'FUNCTION_NAME_TAKEN');
      return true;
    });
    await assert.rejects(session.udf.registerImageModel('bad name', 'DigitsCNN'), /INVALID_FUNCTION_NAME/);
    await assert.rejects(session.udf.registerImageModel('x', 'NoSuchNet'), /Unknown model 'NoSuchNet'/);
  });
});
