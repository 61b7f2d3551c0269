/** loadMnist and standardize: a seeded, disjoint split of the package's 10,000 digits; and a LeNet that learns. */
import { expect } from 'chai';
import { adam, lenet5, loadMnist, standardize, Tensor, tensor, toNested } from '../src/index';

function imageKey(x: Tensor, i: number): string {
  return Array.from(x.data.subarray(i * 784, (i + 1) * 784)).join(',');
}

describe('loadMnist', () => {
  const data = loadMnist({ train: 1200, test: 300, seed: 4 });

  it('train=1200 test=300 → (1200,28,28,1) and (300,28,28,1) float32, one label per image', () => {
    expect(data.trainX.shape).to.deep.equal([1200, 28, 28, 1]);
    expect(data.testX.shape).to.deep.equal([300, 28, 28, 1]);
    expect(data.trainX.data).to.be.instanceOf(Float32Array);
    expect(data.trainY).to.have.length(1200);
    expect(data.testY).to.have.length(300);
  });

  it('pixels lie in [0,1] and use the range (black background 0, ink up to 1)', () => {
    let darkest = Infinity;
    let brightest = -Infinity;
    for (const v of data.trainX.data) {
      darkest = Math.min(darkest, v);
      brightest = Math.max(brightest, v);
    }
    expect([darkest, brightest]).to.deep.equal([0, 1]);
  });

  it('all 10 labels in both sets, each digit 5%–15% of the training set', () => {
    for (const labels of [data.trainY, data.testY]) {
      expect(Array.from(new Set(labels)).sort()).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    const counts = new Array(10).fill(0);
    data.trainY.forEach((label) => counts[label]++);
    counts.forEach((count) => expect(count / 1200).to.be.within(0.05, 0.15));
  });

  it('the same seed gives the same images in the same order; another seed, another split', () => {
    const again = loadMnist({ train: 1200, test: 300, seed: 4 });
    expect(again.trainY).to.deep.equal(data.trainY);
    expect(again.testX.data).to.deep.equal(data.testX.data);
    const other = loadMnist({ train: 1200, test: 300, seed: 5 });
    expect(Array.from(other.trainY.subarray(0, 50))).not.to.deep.equal(
      Array.from(data.trainY.subarray(0, 50)),
    );
  });

  it('training and test sets share no image', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1200; i++) seen.add(imageKey(data.trainX, i));
    for (let i = 0; i < 300; i++)
      expect(seen.has(imageKey(data.testX, i)), `test image ${i}`).to.equal(false);
  });

  it('the label matches the image: the mean "1" has less ink than the mean "0"', () => {
    const ink = (digit: number): number => {
      let sum = 0;
      let count = 0;
      data.trainY.forEach((label, i) => {
        if (label !== digit) return;
        for (let p = i * 784; p < (i + 1) * 784; p++) sum += data.trainX.data[p];
        count++;
      });
      return sum / count;
    };
    expect(ink(1)).to.be.lessThan(0.6 * ink(0));
  });

  it('throws naming loadMnist for sizes that do not fit the 10,000 digits, or a bad seed', () => {
    expect(() => loadMnist({ train: 9000, test: 2000 })).to.throw(
      Error,
      'loadMnist: train + test = 9000 + 2000 = 11000 is more than the 10000 digits there are',
    );
    expect(() => loadMnist({ train: -1 })).to.throw(
      Error,
      'loadMnist: train must be a non-negative integer, got -1',
    );
    expect(() => loadMnist({ test: 2.5 })).to.throw(
      Error,
      'loadMnist: test must be a non-negative integer, got 2.5',
    );
    expect(() => loadMnist({ seed: Number.NaN })).to.throw(
      Error,
      'loadMnist: seed must be a finite number, got null',
    );
  });
});

describe('standardize', () => {
  it('x=[1,2,3,4] → mean 2.5, std √1.25, values (x − 2.5)/√1.25; test data takes the training numbers', () => {
    const { x, mean, std } = standardize(tensor([1, 2, 3, 4], 'float64'));
    expect(mean).to.equal(2.5);
    expect(std).to.equal(Math.sqrt(1.25));
    expect(toNested(x)).to.deep.equal([1, 2, 3, 4].map((v) => (v - 2.5) / Math.sqrt(1.25)));
    expect(toNested(standardize(tensor([2.5], 'float64'), { mean, std }).x)).to.deep.equal([0]);
  });

  it('throws naming standardize for constant input or a zero std', () => {
    expect(() => standardize(tensor([3, 3]))).to.throw(Error, /^standardize: every value of x is 3/);
    expect(() => standardize(tensor([3, 3]), { mean: 0, std: 0 })).to.throw(
      Error,
      /^standardize: stats need a finite mean and a positive std/,
    );
  });
});

describe('a LeNet-style model learns digits', () => {
  it('1,000 training digits, 1 epoch of Adam (batches of 8), seed 0: above 80% on 500 held-out digits', function () {
    this.timeout(60000); // about 1 s with the fast kernels, 15 s with the plain loops on a busy machine
    const data = loadMnist({ train: 1000, test: 500, seed: 0 });
    const train = standardize(data.trainX);
    const test = standardize(data.testX, train);
    const model = lenet5({ seed: 0 });
    const before = model.evaluate(test.x, data.testY);
    model.fit(train.x, data.trainY, {
      epochs: 1,
      batchSize: 8,
      optimizer: adam({ learningRate: 0.002 }),
      seed: 0,
    });
    const after = model.evaluate(test.x, data.testY);
    expect(before.accuracy).to.be.lessThan(0.3);
    expect(after.accuracy).to.be.greaterThan(0.8);
    expect(after.cost).to.be.lessThan(before.cost / 2);
  });
});
