/** The layer factories and built layers: checks of the configuration, shapes, forward = the ops, gradients. */
import { expect } from 'chai';
import {
  buildLayer,
  buildLayers,
  conv2d,
  conv2dBackward,
  copy,
  dense,
  Layer,
  layers,
  LayerSpec,
  pool2d,
  randn,
  relu,
  reluBackward,
  reshape,
  seededRandom,
  softmax,
  Tensor,
} from '../src/index';
import { expectClose } from './helpers/close';
import { expectGradientClose, numericalGradient, weightedSum } from './helpers/gradientCheck';

function build(spec: LayerSpec, inputShape: number[], seed = 1): Layer {
  return buildLayer(spec, inputShape, { name: 'L', rng: seededRandom(seed), dtype: 'float64' });
}

describe('layer factories', () => {
  it('return plain specs with the lecture’s words', () => {
    expect(layers.conv2d({ filters: 8, size: 5, activation: 'relu' })).to.deep.equal({
      type: 'conv2d',
      config: { filters: 8, size: 5, activation: 'relu' },
    });
    expect(layers.maxPool({ size: 2, stride: 2 })).to.deep.equal({
      type: 'maxPool',
      config: { size: 2, stride: 2 },
    });
    expect(layers.flatten()).to.deep.equal({ type: 'flatten', config: {} });
  });

  it('throw naming the factory for a missing, misspelt or bad option', () => {
    expect(() => layers.conv2d({ size: 3 } as never)).to.throw(
      Error,
      'layers.conv2d: option filters is required',
    );
    expect(() => layers.conv2d({ filters: 4, size: 3, kernelSize: 3 } as never)).to.throw(
      Error,
      'layers.conv2d: unknown option "kernelSize"; the options are filters, size, stride, pad, activation, init, name',
    );
    expect(() => layers.conv2d({ filters: 0, size: 3 })).to.throw(
      Error,
      'layers.conv2d: filters must be a positive integer, got 0',
    );
    expect(() => layers.conv2d({ filters: 4, size: 4, pad: 'same' })).to.throw(
      Error,
      /^layers.conv2d: pad 'same' needs an odd filter size/,
    );
    expect(() => layers.conv2d({ filters: 4, size: 3, stride: 0 })).to.throw(
      Error,
      'layers.conv2d: stride must be a positive integer, got 0',
    );
    expect(() => layers.dense({ units: 10, activation: 'sigmoid' as never })).to.throw(
      Error,
      'layers.dense: unknown activation "sigmoid"; use relu, softmax, linear',
    );
    expect(() => layers.maxPool({ size: 2.5 })).to.throw(
      Error,
      'layers.maxPool: size must be a positive integer, got 2.5',
    );
    expect(() => layers.avgPool(undefined as never)).to.throw(
      Error,
      /^layers.avgPool: expected an options object/,
    );
    expect(() => layers.relu({ units: 3 } as never)).to.throw(
      Error,
      'layers.relu: unknown option "units"; the options are name',
    );
  });
});

describe('built layers: shapes from shape.ts', () => {
  it('conv2d 10@3×3 on 39×39×3 → 37×37×10 with 10·(3·3·3 + 1) = 280 parameters', () => {
    const layer = build(layers.conv2d({ filters: 10, size: 3 }), [39, 39, 3]);
    expect(layer.outputShape).to.deep.equal([37, 37, 10]);
    expect(layer.parameters.map((p) => p.value.shape)).to.deep.equal([[3, 3, 3, 10], [10]]);
  });

  it("conv2d 6@5×5 pad 'same' keeps 28×28; maxPool 3 stride 2 on 28×28 → 13×13; dense on (5,5,16) → (120)", () => {
    expect(build(layers.conv2d({ filters: 6, size: 5, pad: 'same' }), [28, 28, 1]).outputShape).to.deep.equal(
      [28, 28, 6],
    );
    expect(build(layers.maxPool({ size: 3, stride: 2 }), [28, 28, 6]).outputShape).to.deep.equal([13, 13, 6]);
    expect(build(layers.dense({ units: 120 }), [5, 5, 16]).parameters[0].value.shape).to.deep.equal([
      400, 120,
    ]);
  });

  it('throws naming the layer when a conv gets a flat input or a window is too big', () => {
    expect(() => build(layers.conv2d({ filters: 2, size: 3 }), [400])).to.throw(
      Error,
      'layers.conv2d: needs an (H,W,C) volume per example but gets [400]; put it before flatten/dense',
    );
    expect(() => build(layers.maxPool({ size: 5 }), [4, 4, 2])).to.throw(
      Error,
      /^layers.maxPool: window 5×5 is larger than the input 4×4/,
    );
  });
});

describe('built layers: forward is the library op', () => {
  const x = randn([2, 6, 6, 3], 7, 1, 'float64');

  it('conv2d layer with relu = relu(conv2d(x, W, b, { stride: 2, pad: 1 }))', () => {
    const layer = build(
      layers.conv2d({ filters: 4, size: 3, stride: 2, pad: 1, activation: 'relu' }),
      [6, 6, 3],
    );
    layer.parameters[1].value.data.set([0.1, -0.2, 0.3, 0]); // a bias that is not zero
    const [W, b] = layer.parameters.map((p) => p.value);
    expectClose(layer.forward(x), relu(conv2d(x, W, b, { stride: 2, pad: 1 })), { absolute: 1e-15 });
  });

  it('avgPool layer = pool2d(x, { size: 2, stride: 1, mode: avg })', () => {
    const layer = build(layers.avgPool({ size: 2, stride: 1 }), [6, 6, 3]);
    expectClose(layer.forward(x), pool2d(x, { size: 2, stride: 1, mode: 'avg' }), { absolute: 0 });
  });

  it('dense layer with softmax on a volume = softmax(dense(flatten(x), W, b))', () => {
    const layer = build(layers.dense({ units: 5, activation: 'softmax' }), [6, 6, 3]);
    const [W, b] = layer.parameters.map((p) => p.value);
    expectClose(layer.forward(x), softmax(dense(reshape(x, [2, 108]), W, b)), { absolute: 1e-15 });
  });

  it('flatten keeps row-major (h, w, c) order', () => {
    const layer = build(layers.flatten(), [6, 6, 3]);
    const flat = layer.forward(x);
    expect(flat.shape).to.deep.equal([2, 108]);
    expect(flat.get(1, (2 * 6 + 4) * 3 + 1)).to.equal(x.get(1, 2, 4, 1));
  });

  it('init: a relu layer gets He weights, a softmax layer Glorot weights (std √(2/n) vs √(2/(n+u)))', () => {
    const std = (layer: Layer): number => {
      const w = Array.from(layer.parameters[0].value.data);
      return Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    };
    const he = build(layers.dense({ units: 200, activation: 'relu' }), [300]);
    const glorot = build(layers.dense({ units: 200, activation: 'softmax' }), [300]);
    expect(std(he) / Math.sqrt(2 / 300)).to.be.closeTo(1, 0.02);
    expect(std(glorot) / Math.sqrt(2 / 500)).to.be.closeTo(1, 0.02);
  });

  it('backward before forward throws naming the layer', () => {
    const layer = build(layers.maxPool({ size: 2 }), [6, 6, 3]);
    expect(() => layer.backward(randn([2, 3, 3, 3], 1, 1, 'float64'))).to.throw(
      Error,
      'layers.maxPool: layer L has no forward pass to go back through; call forward first',
    );
  });
});

/**
 * How close relu's input comes to 0, where relu has no slope: a centred difference that straddles 0 is
 * wrong by design, so the checks below make sure their random inputs stay well clear of it.
 */
function distanceToKink(spec: LayerSpec, layer: Layer, x: Tensor): number {
  const closest = (z: Tensor): number => Math.min(...Array.from(z.data, Math.abs));
  const [W, b] = layer.parameters.map((p) => p.value);
  if (spec.type === 'relu') return closest(x);
  if (spec.type === 'conv2d' && spec.config.activation === 'relu')
    return closest(conv2d(x, W, b, spec.config));
  if (spec.type === 'dense' && spec.config.activation === 'relu') {
    return closest(dense(reshape(x, [x.shape[0], W.shape[0]]), W, b));
  }
  return Infinity;
}

describe('built layers: backward against centred differences (float64)', () => {
  const cases: Array<{ name: string; spec: LayerSpec; input: number[] }> = [
    {
      name: 'conv2d 3@3×3 s=2 p=1 relu',
      spec: layers.conv2d({ filters: 3, size: 3, stride: 2, pad: 1, activation: 'relu' }),
      input: [5, 5, 2],
    },
    { name: 'maxPool 2 s=1', spec: layers.maxPool({ size: 2, stride: 1 }), input: [4, 4, 2] },
    { name: 'avgPool 3 s=2', spec: layers.avgPool({ size: 3, stride: 2 }), input: [5, 5, 2] },
    { name: 'relu', spec: layers.relu(), input: [3, 3, 2] },
    { name: 'flatten', spec: layers.flatten(), input: [3, 2, 2] },
    {
      name: 'dense 4 relu on a (3,2,2) volume',
      spec: layers.dense({ units: 4, activation: 'relu' }),
      input: [3, 2, 2],
    },
    { name: 'dense 4 softmax', spec: layers.dense({ units: 4, activation: 'softmax' }), input: [6] },
    { name: 'softmax', spec: layers.softmax(), input: [5] },
  ];
  cases.forEach(({ name, spec, input }, i) => {
    it(name, () => {
      const layer = build(spec, input, 10 + i);
      layer.parameters.forEach((p, j) => p.value.data.set(randn(p.value.shape, 20 + j, 0.5, 'float64').data));
      const x = randn([2, ...input], 80 + i, 1, 'float64');
      expect(distanceToKink(spec, layer, x), 'an input within reach of relu’s kink at 0').to.be.greaterThan(
        1e-3,
      );
      const R = randn([2, ...layer.outputShape], 40 + i, 1, 'float64');
      const J = (): number => weightedSum(layer.forward(x), R);
      layer.forward(x);
      const dX = layer.backward(R)!;
      expectGradientClose(dX, numericalGradient(J, x), `${name} dX`);
      for (const p of layer.parameters) {
        layer.forward(x);
        layer.backward(R);
        expectGradientClose(p.grad!, numericalGradient(J, p.value), `${name} ${p.name}`);
      }
      // without ∂J/∂input (training's first layer): the same parameter gradients; conv skips dX
      const grads = layer.parameters.map((p) => p.grad!);
      layer.forward(x);
      const skipped = layer.backward(R, false);
      if (name.startsWith('conv')) expect(skipped).to.equal(null);
      layer.parameters.forEach((p, j) => expectClose(p.grad!, grads[j], { absolute: 1e-12 }));
    });
  });
});

describe('a layer is forward, backward, parameters (plus a name and output shape)', () => {
  it('every built layer has exactly name, outputShape, parameters, forward, backward', () => {
    const specs: LayerSpec[] = [
      layers.conv2d({ filters: 2, size: 3, activation: 'relu' }),
      layers.maxPool({ size: 2 }),
      layers.relu(),
      layers.flatten(),
      layers.dense({ units: 3, activation: 'softmax' }),
      layers.softmax(),
    ];
    for (const spec of specs) {
      const layer = build(spec, [4, 4, 2]);
      expect(Object.keys(layer).sort(), spec.type).to.deep.equal(
        ['backward', 'forward', 'name', 'outputShape', 'parameters'].sort(),
      );
    }
  });

  it('activations are layers: dense with relu builds [dense, relu], and buildLayer chains them', () => {
    const spec = layers.dense({ units: 3, activation: 'relu' });
    const context = { name: 'FC1', rng: seededRandom(4), dtype: 'float64' as const };
    const [linear, activation] = buildLayers(spec, [5], context);
    expect(buildLayers(spec, [5], context)).to.have.length(2);
    expect(linear.parameters.map((p) => p.name)).to.deep.equal(['FC1.W', 'FC1.b']);
    expect(activation.parameters).to.deep.equal([]);
    const x = randn([2, 5], 5, 1, 'float64');
    const z = linear.forward(x);
    const zCopy = copy(z); // the owned relu overwrites z
    expectClose(activation.forward(z), relu(zCopy), { absolute: 0 });
    expect(buildLayers(layers.conv2d({ filters: 3, size: 3 }), [5, 5, 2], context)).to.have.length(1);
    expect(buildLayers(layers.dense({ units: 3, activation: 'softmax' }), [4], context)).to.have.length(2);
  });

  it('conv2d with relu is one fused layer: the values of conv2d then relu, both ways, to the bit', () => {
    const spec = layers.conv2d({ filters: 3, size: 3, pad: 1, activation: 'relu' });
    for (const dtype of ['float32', 'float64'] as const) {
      const context = { name: 'CONV1', rng: seededRandom(4), dtype };
      const built = buildLayers(spec, [5, 5, 2], context);
      expect(built).to.have.length(1);
      const [W, b] = built[0].parameters;
      expect([W.name, b.name]).to.deep.equal(['CONV1.W', 'CONV1.b']);
      b.value.data.set([0.3, -0.2, 0.1]);
      const x = randn([2, 5, 5, 2], 5, 1, dtype);
      const z = conv2d(x, W.value, b.value, { pad: 1 });
      const a = built[0].forward(x);
      expect(Array.from(a.data)).to.deep.equal(Array.from(relu(z).data));
      const dA = randn(a.shape, 6, 1, dtype);
      const dX = built[0].backward(dA)!;
      const want = conv2dBackward(reluBackward(dA, z), x, W.value, b.value, { pad: 1 });
      expect(Array.from(dX.data)).to.deep.equal(Array.from(want.dX.data));
      expect(Array.from(W.grad!.data)).to.deep.equal(Array.from(want.dW.data));
      expect(Array.from(b.grad!.data)).to.deep.equal(Array.from(want.db.data));
      // a first layer's backward: the weight gradients only
      expect(built[0].backward(dA, false)).to.equal(null);
      expect(Array.from(W.grad!.data)).to.deep.equal(Array.from(want.dW.data));
    }
  });

  it('backward of the chain = the layers’ backward in reverse order', () => {
    const chained = build(layers.dense({ units: 3, activation: 'relu' }), [4], 7);
    const [linear, activation] = buildLayers(layers.dense({ units: 3, activation: 'relu' }), [4], {
      name: 'L',
      rng: seededRandom(7),
      dtype: 'float64',
    });
    const x = randn([2, 4], 8, 1, 'float64');
    const R = randn([2, 3], 9, 1, 'float64');
    chained.forward(x);
    activation.forward(linear.forward(x));
    expectClose(chained.backward(R)!, linear.backward(activation.backward(R)!)!, { absolute: 0 });
    expectClose(chained.parameters[0].grad!, linear.parameters[0].grad!, { absolute: 0 });
  });

  it('backward before forward on a conv’s relu still names layers.conv2d', () => {
    const layer = build(layers.conv2d({ filters: 2, size: 3, activation: 'relu' }), [4, 4, 1]);
    expect(() => layer.backward(randn([1, 2, 2, 2], 1, 1, 'float64'))).to.throw(
      Error,
      'layers.conv2d: layer L has no forward pass to go back through; call forward first',
    );
  });
});
