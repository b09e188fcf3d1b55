/**
 * Facts from JavaScript and TypeScript files, through the TypeScript compiler's parser (syntax only, no
 * type checking). typescript is loaded on the first call, so only `twelve factors` pays for it.
 */
import type * as TS from 'typescript';
import { errorText } from '../errors.js';
import { requireTypescript } from './typescript-loader.js';
import { CREDENTIAL_KEY, ENVIRONMENT_NAMES, KEPT_AT_LOAD_CALLS, KEPT_CALLS, KEPT_PATTERN, type CallFact, type SourceFacts, type Value } from './facts.js';

type Ts = typeof TS;
let loaded: Ts | undefined;

export async function loadTypescript(): Promise<Ts> {
  // Not import(): an ES import of this 9 MB CommonJS file first scans it for its export names (~3 s).
  loaded ??= requireTypescript();
  return loaded;
}

const ADDRESS = new RegExp(KEPT_PATTERN, 'i');
const CREDENTIAL = new RegExp(CREDENTIAL_KEY, 'i');
const KEPT_CALL = new RegExp(KEPT_CALLS);
const KEPT_AT_LOAD = new RegExp(KEPT_AT_LOAD_CALLS);
const ENV_NAMES = new RegExp(ENVIRONMENT_NAMES);

function scriptKind(ts: Ts, file: string): TS.ScriptKind {
  if (/\.tsx$/.test(file)) return ts.ScriptKind.TSX;
  if (/\.[mc]?ts$/.test(file)) return ts.ScriptKind.TS;
  return /\.jsx$/.test(file) ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
}

/** Parses one file and returns its facts. */
export function analyzeJs(ts: Ts, file: string, text: string): SourceFacts {
  const source = ts.createSourceFile(file, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, scriptKind(ts, file));
  return new JsWalk(ts, source, file).run();
}

/** The facts of one file; a file nested deeper than the stack allows is named with its error, the others still count. */
export function analyzeJsText(ts: Ts, file: string, text: string): SourceFacts {
  try {
    return analyzeJs(ts, file, text);
  } catch (error) {
    // A file nested deeper than the stack allows: named in the report's notes, the others still count.
    return { file, language: 'js', imports: [], calls: [], literals: [], envReads: [], envCompares: [], error: errorText(error) };
  }
}

class JsWalk {
  private readonly facts: SourceFacts;
  private readonly bindings = new Map<string, TS.Expression>();
  private readonly pendingCalls: Array<{ line: number; callee: string; args: readonly TS.Expression[]; atLoad: boolean }> = [];
  /** The nodes above the one visited: the parser is asked for no parent links, which costs a pass over the tree. */
  private readonly ancestors: TS.Node[] = [];

  constructor(private readonly ts: Ts, private readonly source: TS.SourceFile, file: string) {
    this.facts = { file, language: 'js', imports: [], calls: [], literals: [], envReads: [], envCompares: [] };
  }

  run(): SourceFacts {
    const ts = this.ts;
    const visit = (node: TS.Node): void => {
      // Types hold nothing that runs.
      const kind = node.kind;
      if (kind === ts.SyntaxKind.InterfaceDeclaration || kind === ts.SyntaxKind.TypeAliasDeclaration
        || (kind >= ts.SyntaxKind.FirstTypeNode && kind <= ts.SyntaxKind.LastTypeNode)) return;
      this.visit(node);
      this.ancestors.push(node);
      ts.forEachChild(node, visit);
      this.ancestors.pop();
    };
    visit(this.source);
    // Arguments are summarised after the walk, so a name declared below its use still resolves.
    this.facts.calls = this.pendingCalls.map((call): CallFact => ({
      line: call.line, callee: call.callee, args: call.args.map((arg) => this.value(arg, 0)), ...(call.atLoad ? { atLoad: true as const } : {}),
    }));
    return this.facts;
  }

  private line(node: TS.Node): number {
    return this.source.getLineAndCharacterOfPosition(node.getStart(this.source)).line + 1;
  }

  private visit(node: TS.Node): void {
    const ts = this.ts;
    const kind = ts.SyntaxKind;
    switch (node.kind) {
      case kind.VariableDeclaration: return this.declaration(node as TS.VariableDeclaration);
      case kind.CallExpression:
      case kind.NewExpression: return this.call(node as TS.CallExpression | TS.NewExpression);
      case kind.ImportDeclaration: {
        const { moduleSpecifier: specifier, importClause } = node as TS.ImportDeclaration;
        if (ts.isStringLiteral(specifier) && !importClause?.isTypeOnly) this.facts.imports.push({ line: this.line(node), module: specifier.text });
        return;
      }
      case kind.StringLiteral:
      case kind.NoSubstitutionTemplateLiteral:
      case kind.TemplateExpression: return this.literal(node as TS.StringLiteralLike | TS.TemplateExpression);
      case kind.PropertyAccessExpression:
      case kind.ElementAccessExpression: {
        const name = this.envName(node);
        if (name) this.facts.envReads.push({ line: this.line(node), name });
        return;
      }
      case kind.BinaryExpression: return this.compare(node as TS.BinaryExpression);
      case kind.CaseClause: return this.caseClause(node as TS.CaseClause);
      default:
    }
  }

  private declaration(node: TS.VariableDeclaration): void {
    const ts = this.ts;
    if (!node.initializer) return;
    if (ts.isIdentifier(node.name)) this.bindings.set(node.name.text, node.initializer);
    else if (ts.isObjectBindingPattern(node.name) && this.envName(node.initializer) === '') {
      for (const element of node.name.elements) {
        const name = element.propertyName ?? element.name;
        if (ts.isIdentifier(name)) this.facts.envReads.push({ line: this.line(element), name: name.text });
      }
    }
  }

  /** `case 'staging':` of a `switch (process.env.NODE_ENV)`. */
  private caseClause(node: TS.CaseClause): void {
    const ts = this.ts;
    const statement = this.ancestors[this.ancestors.length - 2];
    if (!statement || !ts.isSwitchStatement(statement)) return;
    const name = this.envName(this.resolve(statement.expression));
    if (name && ENV_NAMES.test(name) && ts.isStringLiteralLike(node.expression)) {
      this.facts.envCompares.push({ line: this.line(node), name, value: node.expression.text });
    }
  }

  private call(node: TS.CallExpression | TS.NewExpression): void {
    const ts = this.ts;
    const args = node.arguments ?? [];
    const target = node.expression;
    if ((ts.isIdentifier(target) && target.text === 'require') || target.kind === ts.SyntaxKind.ImportKeyword) {
      const first = args[0];
      if (first && ts.isStringLiteralLike(first)) this.facts.imports.push({ line: this.line(node), module: first.text });
      return;
    }
    // The last name first: the dotted name, the line and the arguments only for a call some check reads.
    const tail = ts.isIdentifier(target) ? target.text : ts.isPropertyAccessExpression(target) ? target.name.text : undefined;
    if (tail === undefined) return;
    const kept = KEPT_CALL.test(tail);
    const atLoad = !kept && KEPT_AT_LOAD.test(tail) && !this.ancestors.some((above) => ts.isFunctionLike(above) || ts.isClassLike(above));
    if (!kept && !atLoad) return;
    this.pendingCalls.push({ line: this.line(node), callee: this.dotted(target), args, atLoad });
  }

  private compare(node: TS.BinaryExpression): void {
    const ts = this.ts;
    const kind = node.operatorToken.kind;
    if (![ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken].includes(kind)) return;
    for (const [a, b] of [[node.left, node.right], [node.right, node.left]] as const) {
      const name = this.envName(this.resolve(a));
      if (name && ENV_NAMES.test(name) && ts.isStringLiteralLike(b)) this.facts.envCompares.push({ line: this.line(node), name, value: b.text });
    }
  }

  /** `process.env.X` or `process.env['X']` -> X; `process.env` itself -> ''; anything else -> undefined. */
  private envName(node: TS.Node | undefined): string | undefined {
    const ts = this.ts;
    if (!node) return undefined;
    if (ts.isPropertyAccessExpression(node)) {
      if (ts.isIdentifier(node.expression) && node.expression.text === 'process' && node.name.text === 'env') return '';
      return this.envName(node.expression) === '' ? node.name.text : undefined;
    }
    if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
      return this.envName(node.expression) === '' ? node.argumentExpression.text : undefined;
    }
    return undefined;
  }

  private resolve(node: TS.Expression): TS.Expression {
    return this.ts.isIdentifier(node) ? this.bindings.get(node.text) ?? node : node;
  }

  private literal(node: TS.StringLiteralLike | TS.TemplateExpression): void {
    const ts = this.ts;
    const value = ts.isTemplateExpression(node)
      ? node.head.text + node.templateSpans.map((span) => `\${}${span.literal.text}`).join('')
      : node.text;
    const address = ADDRESS.test(value);
    // Only an address or a one-word string can be a finding (a credential): sentences and SQL are not.
    if (!address && (value.length < 4 || /\s/.test(value))) return;
    let key: string | undefined;
    let callee: string | undefined;
    let child: TS.Node = node;
    // Up through the object, array or expression it sits in, to the call it is passed to or the name it gets.
    for (let index = this.ancestors.length - 1; index >= 0; child = this.ancestors[index]!, index -= 1) {
      const parent = this.ancestors[index]!;
      if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
        if (parent.expression !== child) callee = this.dotted(parent.expression);
        break;
      }
      if (ts.isPropertyAssignment(parent) || ts.isVariableDeclaration(parent) || ts.isPropertyDeclaration(parent)) {
        if (parent.name && (ts.isIdentifier(parent.name) || ts.isStringLiteralLike(parent.name))) key ??= parent.name.text;
        if (!ts.isPropertyAssignment(parent)) break;
      } else if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        key ??= this.dotted(parent.left).split('.').pop();
        break;
      } else if (!(ts.isObjectLiteralExpression(parent) || ts.isArrayLiteralExpression(parent) || ts.isBinaryExpression(parent)
        || ts.isConditionalExpression(parent) || ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent))) {
        break;
      }
    }
    if (address || (key !== undefined && CREDENTIAL.test(key))) {
      this.facts.literals.push({ line: this.line(node), value, ...(callee === undefined ? {} : { callee }), ...(key === undefined ? {} : { key }) });
    }
  }

  /** A dotted name for a callee: `a.b.c`, `require('x').y` as `require().y`; `?` for what has none. */
  private dotted(node: TS.Node): string {
    const ts = this.ts;
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) return node.text;
    if (node.kind === ts.SyntaxKind.ThisKeyword) return 'this';
    if (ts.isPropertyAccessExpression(node)) return `${this.dotted(node.expression)}.${node.name.text}`;
    if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) return `${this.dotted(node.expression)}.${node.argumentExpression.text}`;
    if (ts.isCallExpression(node)) return `${this.dotted(node.expression)}()`;
    if (ts.isNewExpression(node)) return `${this.dotted(node.expression)}()`;
    if (ts.isParenthesizedExpression(node) || ts.isAwaitExpression(node) || ts.isNonNullExpression(node)) return this.dotted(node.expression);
    return '?';
  }

  private value(node: TS.Expression, depth: number): Value {
    const ts = this.ts;
    if (ts.isStringLiteralLike(node)) return { kind: 'string', value: node.text };
    if (ts.isNumericLiteral(node)) return { kind: 'number', value: Number(node.text) };
    const env = this.envName(node);
    if (env) return { kind: 'env', name: env };
    if (depth < 3 && ts.isIdentifier(node) && this.bindings.has(node.text)) return this.value(this.bindings.get(node.text)!, depth + 1);
    if (depth < 3 && ts.isObjectLiteralExpression(node)) {
      const props: Record<string, Value> = {};
      for (const property of node.properties) {
        if (ts.isPropertyAssignment(property) && (ts.isIdentifier(property.name) || ts.isStringLiteralLike(property.name))) props[property.name.text] = this.value(property.initializer, depth + 1);
        else if (ts.isShorthandPropertyAssignment(property)) props[property.name.text] = this.value(property.name, depth + 1);
      }
      return { kind: 'object', props };
    }
    if (depth < 3 && ts.isArrayLiteralExpression(node)) return { kind: 'array', items: node.elements.map((element) => this.value(element, depth + 1)) };
    if (ts.isCallExpression(node) && /^(path\.)?(join|resolve)$/.test(this.dotted(node.expression))) return this.joinedPath(node, depth);
    if (depth < 3 && ts.isBinaryExpression(node)) {
      const folded = this.fold(node, depth);
      if (folded) return folded;
    }
    const reads = this.envReadsIn(node, depth);
    const text = this.dotted(node);
    return { kind: 'other', ...(text.includes('?') ? {} : { text }), ...(reads.length > 0 ? { env: reads } : {}) };
  }

  /** `24 * 60 * 1000` as a number, `'uploads/' + name` as the string `uploads/${}`. */
  private fold(node: TS.BinaryExpression, depth: number): Value | undefined {
    const ts = this.ts;
    const left = this.value(node.left, depth + 1);
    const right = this.value(node.right, depth + 1);
    const op = node.operatorToken.kind;
    if (left.kind === 'number' && right.kind === 'number') {
      if (op === ts.SyntaxKind.AsteriskToken) return { kind: 'number', value: left.value * right.value };
      if (op === ts.SyntaxKind.PlusToken) return { kind: 'number', value: left.value + right.value };
    }
    if (op === ts.SyntaxKind.PlusToken && (left.kind === 'string' || right.kind === 'string')) {
      const text = (value: Value): string => (value.kind === 'string' ? value.value : '${}');
      return { kind: 'string', value: text(left) + text(right) };
    }
    return undefined;
  }

  /** `path.join(__dirname, 'uploads')` as the string `${__dirname}/uploads`, so a check sees where it points. */
  private joinedPath(node: TS.CallExpression, depth: number): Value {
    const parts = node.arguments.map((arg) => {
      const text = this.dotted(arg);
      if (text === '__dirname' || text === 'import.meta.dirname' || text === 'process.cwd()') return '${__dirname}';
      const value = this.value(arg, depth + 1);
      return value.kind === 'string' ? value.value : '${}';
    });
    return { kind: 'string', value: parts.join('/') };
  }

  /** Every environment variable an expression reads (`process.env.PORT || 3000`, `Number(port)`). */
  private envReadsIn(node: TS.Node, depth: number): string[] {
    const reads: string[] = [];
    const visit = (inner: TS.Node): void => {
      // What a callback reads when it runs is not the value passed.
      if (this.ts.isFunctionLike(inner)) return;
      const name = this.envName(inner);
      if (name) reads.push(name);
      else if (depth < 3 && this.ts.isIdentifier(inner) && this.bindings.has(inner.text) && inner !== node) {
        reads.push(...this.envReadsIn(this.bindings.get(inner.text)!, depth + 1));
      } else this.ts.forEachChild(inner, visit);
    };
    visit(node);
    return reads;
  }
}
