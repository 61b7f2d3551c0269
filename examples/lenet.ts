/**
 * LeNet-5 on hand-written digits: `npm run example:lenet`.
 * 8,000 training / 2,000 held-out digits from the registry package `mnist`, inputs standardised,
 * SGD with momentum, the learning rate divided by 5 every 3 epochs. A progress bar goes to stderr; the result to stdout.
 */
import { lenet5, loadMnist, sgd, standardize, stepDecay } from '../src';

const EPOCHS = 9;
const BATCH_SIZE = 32;
const TARGET = 0.97;

const started = Date.now();
const data = loadMnist({ train: 8000, test: 2000, seed: 0 });
// statistics of the training set only, applied to both: the test set stays unseen
const train = standardize(data.trainX);
const test = standardize(data.testX, train);

const model = lenet5({ seed: 0 });
console.log(model.summaryTable());
console.log(
  `mnist: ${data.trainY.length} training, ${data.testY.length} held-out digits (loaded in ${seconds(started)})\n`,
);

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function bar(done: number, total: number, width = 20): string {
  const filled = Math.round((done / total) * width);
  return `[${'='.repeat(filled)}${' '.repeat(width - filled)}]`;
}

let costSum = 0;
let rightSum = 0;
const epochTimes: number[] = [];
const trainingStarted = Date.now();
let epochStarted = trainingStarted;
model.fit(train.x, data.trainY, {
  epochs: EPOCHS,
  batchSize: BATCH_SIZE,
  optimizer: sgd({ learningRate: 0.01, momentum: 0.9 }),
  // big steps while far from a minimum, then small ones to settle into it: +0.5–1% held-out accuracy
  learningRateSchedule: stepDecay(0.01, { factor: 0.2, every: 3 }),
  seed: 0,
  validation: { x: test.x, labels: data.testY },
  onBatch(record, { epochs, batchesPerEpoch }) {
    if (record.batch === 0) {
      costSum = 0;
      rightSum = 0;
    }
    // running means over the epoch so far, steadier to read than one batch's numbers
    costSum += record.cost;
    rightSum += record.accuracy;
    const seen = record.batch + 1;
    // a live bar only on a terminal: in a pipe or a log (`npm run example:lenet | tee log`) the
    // thousands of \r redraws would all be kept; the epoch lines below say enough there
    if (!process.stderr.isTTY) return;
    process.stderr.write(
      `\repoch ${record.epoch + 1}/${epochs} ${bar(seen, batchesPerEpoch)} ${seen}/${batchesPerEpoch}` +
        ` cost ${(costSum / seen).toFixed(4)} accuracy ${((100 * rightSum) / seen).toFixed(2)}% ${seconds(epochStarted)} `,
    );
  },
  onEpoch(record) {
    epochTimes.push((Date.now() - epochStarted) / 1000);
    if (process.stderr.isTTY) process.stderr.write('\n');
    console.log(
      `epoch ${record.epoch + 1}: learning rate ${record.learningRate}, cost ${record.cost.toFixed(4)}, ` +
        `train accuracy ${(100 * record.accuracy).toFixed(2)}%, held-out accuracy ${(100 * record.validationAccuracy!).toFixed(2)}% ` +
        `(${epochTimes[epochTimes.length - 1].toFixed(1)} s with the held-out evaluation)`,
    );
    epochStarted = Date.now();
  },
});

const result = model.evaluate(test.x, data.testY);
const meanEpoch = epochTimes.reduce((a, b) => a + b, 0) / epochTimes.length;
console.log(
  `\ntest accuracy ${(100 * result.accuracy).toFixed(2)}% (cost ${result.cost.toFixed(4)}) on ${data.testY.length} held-out digits`,
);
console.log(
  `training took ${seconds(trainingStarted)} (${meanEpoch.toFixed(1)} s per epoch of ${data.trainY.length} digits); total ${seconds(started)}`,
);
if (result.accuracy < TARGET) {
  console.error(`below the ${100 * TARGET}% this example promises`);
  process.exitCode = 1;
}
