/**
 * Each SIMD kernel's signature is written three times: the AssemblyScript generic (`gemm<T>` in
 * assembly/gemm.ts), its export twins (`gemmF32`, `gemmF64`, re-exported by assembly/index.ts), and its
 * binding in src/cnn/fast/wasmKernels.ts (KernelSet's method, and `pick` in load()). Nothing in the
 * compilers ties them: WebAssembly calls take numbers, so a parameter moved in one place and not in the
 * others would compute garbage silently. These tests read the three with the TypeScript parser and fail
 * naming the kernel that drifted; the last ones check the built module against what `pick` bound.
 * The plan records are written twice too: the classes of assembly/plan.ts, which the kernels read, and
 * the field lists of src/cnn/fast/plan.ts, which the drivers write; a test here holds them equal.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { kernelsFor } from '../src/cnn/fast/wasmKernels';
import { CONV_PLAN_FIELDS, POOL_PLAN_FIELDS } from '../src/cnn/fast/plan';

const root = path.join(__dirname, '..');
const assembly = path.join(root, 'assembly');
const bindings = path.join(root, 'src', 'cnn', 'fast', 'wasmKernels.ts');

/** A parameter as written: its name and its type's text. */
interface Parameter {
  name: string;
  type: string;
}

/** Parameters as a signature reads: `(x: usize, batch: i32)`, types mapped through `typeOf`. */
function signature(parameters: Parameter[], typeOf = (type: string) => type): string {
  return `(${parameters.map((p) => `${p.name}: ${typeOf(p.type)}`).join(', ')})`;
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
}

function parametersOf(node: ts.SignatureDeclarationBase, source: ts.SourceFile): Parameter[] {
  return node.parameters.map((p) => ({ name: p.name.getText(source), type: p.type?.getText(source) ?? '' }));
}

/** A top-level function of assembly/: where it is, whether exported, its type parameters and parameters. */
interface AssemblyFunction {
  file: string;
  name: string;
  exported: boolean;
  typeParameters: string[];
  parameters: Parameter[];
  returns: string;
  node: ts.FunctionDeclaration;
  source: ts.SourceFile;
}

function assemblyFunctions(): AssemblyFunction[] {
  return fs
    .readdirSync(assembly)
    .filter((name) => name.endsWith('.ts'))
    .flatMap((file) => {
      const source = parse(path.join(assembly, file));
      return source.statements.filter(ts.isFunctionDeclaration).map((node) => ({
        file,
        name: node.name!.text,
        exported: !!node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword),
        typeParameters: (node.typeParameters ?? []).map((t) => t.name.text),
        parameters: parametersOf(node, source),
        returns: node.type?.getText(source) ?? '',
        node,
        source,
      }));
    });
}

/** An export twin: `export function gemmF32(…) { gemm<f32>(…); }`. */
const TWIN = /^(\w+)(F32|F64)$/;
const ELEMENT_TYPE = { F32: 'f32', F64: 'f64' } as const;

/** What a twin's one statement calls: the generic's name, the type argument, the arguments' text. */
function callInTwin(twin: AssemblyFunction): { callee: string; typeArgument: string; args: string[] } | null {
  const statements = twin.node.body?.statements ?? [];
  const statement = statements[0];
  if (statements.length !== 1 || !ts.isExpressionStatement(statement)) return null;
  const call = statement.expression;
  if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression)) return null;
  return {
    callee: call.expression.text,
    typeArgument: call.typeArguments?.map((t) => t.getText(twin.source)).join(',') ?? '',
    args: call.arguments.map((a) => a.getText(twin.source)),
  };
}

/** The names assembly/index.ts re-exports, each with the file it takes it from. */
function indexExports(): Map<string, string> {
  const exports = new Map<string, string>();
  for (const statement of parse(path.join(assembly, 'index.ts')).statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    const from = (statement.moduleSpecifier as ts.StringLiteral).text.replace(/^\.\//, '') + '.ts';
    if (statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) exports.set(element.name.text, from);
    }
  }
  return exports;
}

/** KernelSet's methods in wasmKernels.ts, and the property names `pick` gives each export. */
function bindingsOf(): {
  methods: Map<string, { parameters: Parameter[]; returns: string }>;
  picked: Map<string, string>;
} {
  const source = parse(bindings);
  const methods = new Map<string, { parameters: Parameter[]; returns: string }>();
  const picked = new Map<string, string>();
  const visit = (node: ts.Node): void => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'KernelSet') {
      for (const member of node.members) {
        if (ts.isMethodSignature(member)) {
          methods.set(member.name.getText(source), {
            parameters: parametersOf(member, source),
            returns: member.type?.getText(source) ?? '',
          });
        }
      }
    }
    // const pick = (suffix, size) => ({ size, gemm: e[`gemm${suffix}`], … }) as KernelSet
    if (ts.isVariableDeclaration(node) && node.name.getText(source) === 'pick') {
      const literal = (function find(n: ts.Node): ts.ObjectLiteralExpression | undefined {
        return ts.isObjectLiteralExpression(n) ? n : ts.forEachChild(n, find);
      })(node);
      for (const property of literal?.properties ?? []) {
        if (ts.isShorthandPropertyAssignment(property)) picked.set(property.name.text, property.name.text);
        if (!ts.isPropertyAssignment(property)) continue;
        const value = property.initializer;
        const key =
          ts.isElementAccessExpression(value) && ts.isTemplateExpression(value.argumentExpression)
            ? value.argumentExpression
            : undefined;
        // the export name: the template's text before ${suffix}, with nothing after it
        const name =
          key && key.templateSpans.length === 1 && key.templateSpans[0].literal.text === ''
            ? `${key.head.text}\${${key.templateSpans[0].expression.getText(source)}}`
            : value.getText(source);
        picked.set(property.name.getText(source), name);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { methods, picked };
}

/** AssemblyScript's types as the JavaScript side sees them (wasmKernels.ts calls addresses Pointer). */
const BOUND_TYPE: Record<string, string> = { i32: 'number', usize: 'Pointer', bool: 'boolean', void: 'void' };

const functions = assemblyFunctions();
const twins = functions.filter((f) => f.exported && TWIN.test(f.name));
/** Every kernel: a generic with both twins. */
const kernels = [...new Set(twins.map((t) => TWIN.exec(t.name)![1]))].sort();

describe('kernel bindings: each SIMD kernel’s signature agrees wherever it is written', () => {
  it('reads the kernels it is meant to check', () => {
    expect(kernels).to.include.members(['gemm', 'im2col', 'pool', 'poolBackward', 'convChannelsLast']);
    expect(kernels.length).to.be.greaterThan(10);
  });

  it('Does every export twin call its own generic, with its element type and its parameters in order?', () => {
    const wrong = twins.flatMap((twin) => {
      const [, kernel, suffix] = TWIN.exec(twin.name)!;
      const generic = functions.find((f) => f.file === twin.file && f.name === kernel);
      const call = callInTwin(twin);
      const problems = [
        !generic && `no generic ${kernel}<T> in ${twin.file}`,
        generic &&
          generic.typeParameters.join() !== 'T' &&
          `${kernel} has type parameters <${generic.typeParameters}>`,
        generic &&
          JSON.stringify(twin.parameters) !== JSON.stringify(generic.parameters) &&
          `parameters ${signature(twin.parameters)} but ${kernel}<T> has ${signature(generic.parameters)}`,
        generic &&
          twin.returns !== generic.returns &&
          `returns ${twin.returns} but ${kernel}<T> ${generic.returns}`,
        !call && 'its body is not one call',
        call && call.callee !== kernel && `calls ${call.callee}`,
        call &&
          call.typeArgument !== ELEMENT_TYPE[suffix as 'F32' | 'F64'] &&
          `calls ${kernel}<${call.typeArgument}>`,
        call &&
          call.args.join() !== twin.parameters.map((p) => p.name).join() &&
          `passes (${call.args.join(', ')}), not its parameters in order`,
      ];
      return problems.filter(Boolean).map((problem) => `${twin.file}: ${twin.name}: ${problem}`);
    });
    expect(wrong).to.deep.equal([]);
  });

  it('Does every kernel have both twins, and assembly/index.ts re-export exactly the twins, each from its file?', () => {
    const expected = kernels.flatMap((k) => [`${k}F32`, `${k}F64`]).sort();
    expect(twins.map((t) => t.name).sort()).to.deep.equal(expected);
    const exported = indexExports();
    expect([...exported.keys()].sort()).to.deep.equal(expected);
    const misplaced = twins.filter((t) => exported.get(t.name) !== t.file).map((t) => t.name);
    expect(misplaced).to.deep.equal([]);
  });

  it('Does KernelSet have a method for every kernel, with the generic’s parameter names, order and types?', () => {
    const { methods } = bindingsOf();
    expect([...methods.keys()].sort()).to.deep.equal(kernels);
    const wrong = kernels.flatMap((kernel) => {
      // the twin stands for its generic here: the test above holds the two equal
      const twin = twins.find((t) => t.name === `${kernel}F32`)!;
      const want = signature(twin.parameters, (type) => BOUND_TYPE[type] ?? `${type} (not bound)`);
      const method = methods.get(kernel)!;
      const got = signature(method.parameters);
      const returns = BOUND_TYPE[twin.returns];
      return [
        got !== want && `KernelSet.${kernel}${got} but ${twin.file} has ${want}`,
        method.returns !== returns && `KernelSet.${kernel} returns ${method.returns}, the kernel ${returns}`,
      ].filter(Boolean);
    });
    expect(wrong).to.deep.equal([]);
  });

  it('Does `pick` in wasmKernels.ts bind each method to the export of the same name?', () => {
    const { picked } = bindingsOf();
    const expected = { size: 'size', ...Object.fromEntries(kernels.map((k) => [k, `${k}\${suffix}`])) };
    expect(Object.fromEntries(picked)).to.deep.equal(expected);
  });
});

/** The fields of an @unmanaged class in assembly/plan.ts, in order, as `name: type`. */
function planClassFields(name: string): string[] {
  const source = parse(path.join(assembly, 'plan.ts'));
  const declaration = source.statements.find(
    (s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === name,
  );
  if (!declaration) return [];
  const unmanaged = ts.getDecorators(declaration)?.some((d) => d.expression.getText(source) === 'unmanaged');
  return [
    ...(unmanaged ? [] : ['(not @unmanaged: it would have a header before its fields)']),
    ...declaration.members.map((m) =>
      ts.isPropertyDeclaration(m)
        ? `${m.name.getText(source)}: ${m.type?.getText(source)}`
        : `(not a field: ${m.getText(source)})`,
    ),
  ];
}

describe('kernel bindings: the plan records', () => {
  for (const [name, fields] of [
    ['ConvPlan', CONV_PLAN_FIELDS],
    ['PoolPlan', POOL_PLAN_FIELDS],
  ] as const) {
    it(`Does assembly/plan.ts's ${name} have the fields of src/cnn/fast/plan.ts, in order, each an i32?`, () => {
      expect(planClassFields(name)).to.deep.equal(fields.map((field) => `${field}: i32`));
    });
  }

  it('Does every conv and pool kernel take its plan first, and no other kernel take one?', () => {
    const withPlan = kernels.filter(
      (k) => twins.find((t) => t.name === `${k}F32`)!.parameters[0].name === 'plan',
    );
    expect(withPlan).to.deep.equal(kernels.filter((k) => !k.startsWith('gemm')));
  });
});

describe('kernel bindings: the built module (dist/cnn/fast/kernels.wasm)', () => {
  const wasm = path.join(root, 'dist', 'cnn', 'fast', 'kernels.wasm');

  it('Does the module export exactly the twins as functions?', () => {
    const names = WebAssembly.Module.exports(new WebAssembly.Module(fs.readFileSync(wasm)))
      .filter((e) => e.kind === 'function')
      .map((e) => e.name)
      .sort();
    expect(names).to.deep.equal(kernels.flatMap((k) => [`${k}F32`, `${k}F64`]).sort());
  });

  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}: does every method \`pick\` bound run an export with as many parameters as its generic?`, () => {
      const set = kernelsFor(dtype)!;
      expect(set.size).to.equal(dtype === 'float64' ? 8 : 4);
      const arity = Object.fromEntries(
        Object.entries(set)
          .filter(([name]) => name !== 'size')
          .map(([name, f]) => [name, typeof f === 'function' ? f.length : `not a function (${typeof f})`]),
      );
      const want = Object.fromEntries(
        kernels.map((k) => [k, twins.find((t) => t.name === `${k}F32`)!.parameters.length]),
      );
      expect(arity).to.deep.equal(want);
    });
  }
});
