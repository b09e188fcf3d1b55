"""Facts from Python files for `twelve factors`, through Python's own parser (ast).

Reads {"root", "files", "address", "credential", "calls", "atLoadCalls", "environments"} (the patterns of facts.ts)
as JSON on stdin and writes one JSON list of facts (facts.ts's SourceFacts) on stdout. A file that does not parse is reported with an
"error" and no facts.
"""
import ast
import json
import re
import sys
from collections import deque


# The node types visit() reads; the others are only walked through.
VISITED = {ast.Assign, ast.Import, ast.ImportFrom, ast.Call, ast.Constant, ast.Compare, ast.Subscript}


def dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return dotted(node.value) + "." + node.attr
    if isinstance(node, ast.Call):
        return dotted(node.func) + "()"
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return dotted(node.value) + "." + node.slice.value
    return "?"


class Walk:
    def __init__(self, file, address, credential, calls, environments, at_load_calls):
        self.environments = environments
        self.at_load_calls = at_load_calls
        self.at_load = set()
        self.address = address
        self.credential = credential
        self.kept_calls = calls
        self.parents = {}
        self.bindings = {}
        self.facts = {"file": file, "language": "py", "imports": [], "calls": [], "literals": [], "envReads": [], "envCompares": []}

    def env_name(self, node):
        """os.environ['X'], os.environ.get('X'), os.getenv('X'), environ.get('X') -> X."""
        if isinstance(node, ast.Subscript) and dotted(node.value) in ("os.environ", "environ"):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                return key.value
        if isinstance(node, ast.Call) and dotted(node.func) in ("os.environ.get", "environ.get", "os.getenv", "getenv", "os.environ.setdefault"):
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                return node.args[0].value
        return None

    @staticmethod
    def walk_values(node):
        """ast.walk without the bodies of functions and lambdas: what they read when called is not the value."""
        stack = [node]
        while stack:
            inner = stack.pop()
            yield inner
            if not isinstance(inner, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)):
                stack.extend(ast.iter_child_nodes(inner))

    def resolve(self, node):
        if isinstance(node, ast.Name) and node.id in self.bindings:
            return self.bindings[node.id]
        return node

    def env_reads_in(self, node, depth):
        reads = []
        for inner in self.walk_values(node):
            name = self.env_name(inner)
            if name:
                reads.append(name)
            elif depth < 3 and isinstance(inner, ast.Name) and inner.id in self.bindings and inner is not node:
                reads.extend(self.env_reads_in(self.bindings[inner.id], depth + 1))
        return reads

    def value(self, node, depth=0):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {"kind": "string", "value": node.value}
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return {"kind": "number", "value": node.value}
        env = self.env_name(node)
        if env:
            return {"kind": "env", "name": env}
        if depth < 3 and isinstance(node, ast.Name) and node.id in self.bindings:
            return self.value(self.bindings[node.id], depth + 1)
        if depth < 3 and isinstance(node, ast.Dict):
            props = {}
            for key, item in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    props[key.value] = self.value(item, depth + 1)
            return {"kind": "object", "props": props}
        if depth < 3 and isinstance(node, (ast.List, ast.Tuple)):
            return {"kind": "array", "items": [self.value(item, depth + 1) for item in node.elts]}
        if isinstance(node, ast.Call) and dotted(node.func) in ("os.path.join", "path.join", "os.path.abspath", "Path"):
            return {"kind": "string", "value": "/".join(self.path_part(a, depth) for a in node.args)}
        if depth < 3 and isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mult)):
            left, right = self.value(node.left, depth + 1), self.value(node.right, depth + 1)
            if left["kind"] == "number" and right["kind"] == "number":
                return {"kind": "number", "value": left["value"] + right["value"] if isinstance(node.op, ast.Add) else left["value"] * right["value"]}
            if isinstance(node.op, ast.Add) and "string" in (left["kind"], right["kind"]):
                text = lambda v: v["value"] if v["kind"] == "string" else "${}"
                return {"kind": "string", "value": text(left) + text(right)}
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return {"kind": "string", "value": self.path_part(node.left, depth) + "/" + self.path_part(node.right, depth)}
        out = {"kind": "other"}
        text = dotted(node)
        if "?" not in text:
            out["text"] = text
        reads = self.env_reads_in(node, depth)
        if reads:
            out["env"] = reads
        return out

    def path_part(self, node, depth):
        """A piece of a joined path: a string, `${__dirname}` for the code's own directory, `${}` otherwise."""
        node = self.resolve(node) if depth < 3 else node
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        names = {dotted(inner) for inner in ast.walk(node)}
        if "__file__" in names or "os.getcwd()" in names or "os.getcwd" in names:
            return "${__dirname}"
        value = self.value(node, depth + 1)
        return value["value"] if value["kind"] == "string" else "${}"

    def literal(self, node):
        value = node.value
        address = self.address.search(value)
        if not address and (len(value) < 4 or any(c.isspace() for c in value)):
            return  # only an address or a one-word string can be a finding (a credential)
        key = None
        callee = None
        child = node
        parent = self.parents.get(child)
        while parent is not None:
            if isinstance(parent, ast.Call):
                if parent.func is not child:
                    callee = dotted(parent.func)
                break
            if isinstance(parent, ast.keyword):
                key = key or parent.arg
            elif isinstance(parent, ast.Dict):
                for k, v in zip(parent.keys, parent.values):
                    if v is child and isinstance(k, ast.Constant) and isinstance(k.value, str):
                        key = key or k.value
            elif isinstance(parent, (ast.Assign, ast.AnnAssign)):
                targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
                if targets and key is None:
                    key = dotted(targets[0]).split(".")[-1]
                break
            elif not isinstance(parent, (ast.List, ast.Tuple, ast.BoolOp, ast.BinOp, ast.IfExp)):
                break
            child = parent
            parent = self.parents.get(child)
        if address or (key and self.credential.search(key)):
            fact = {"line": node.lineno, "value": value}
            if callee:
                fact["callee"] = callee
            if key:
                fact["key"] = key
            self.facts["literals"].append(fact)

    def visit(self, node):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            self.bindings[node.targets[0].id] = node.value
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.facts["imports"].append({"line": node.lineno, "module": alias.name})
        elif isinstance(node, ast.ImportFrom) and node.module:
            self.facts["imports"].append({"line": node.lineno, "module": node.module})
            for alias in node.names:
                self.facts["imports"].append({"line": node.lineno, "module": node.module + "." + alias.name})
        elif isinstance(node, ast.Call):
            func = node.func
            tail = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if tail is not None and self.kept_calls.match(tail):
                self.pending.append(node)
            elif tail is not None and self.at_load_calls.match(tail) and self.outside_functions(node):
                self.at_load.add(id(node))
                self.pending.append(node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if not isinstance(self.parents.get(node), ast.Expr):  # a docstring or a bare string
                self.literal(node)
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq, ast.In)):
            self.compare(node)
        if isinstance(node, (ast.Subscript, ast.Call)):
            name = self.env_name(node)
            if name:
                self.facts["envReads"].append({"line": node.lineno, "name": name})

    def outside_functions(self, node):
        parent = self.parents.get(node)
        while parent is not None:
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                return False
            parent = self.parents.get(parent)
        return True

    def compare(self, node):
        left, right = node.left, node.comparators[0]
        for a, b in ((left, right), (right, left)):
            name = self.env_name(self.resolve(a))
            if not name or not self.environments.match(name):
                continue
            values = b.elts if isinstance(b, (ast.List, ast.Tuple, ast.Set)) else [b]
            for item in values:
                if isinstance(item, ast.Constant) and isinstance(item.value, str):
                    self.facts["envCompares"].append({"line": node.lineno, "name": name, "value": item.value})

    def run(self, tree):
        self.pending = []
        parents = self.parents
        visit = self.visit
        # ast.walk's order (breadth first), with each node's parent noted on the way: one pass, not two.
        todo = deque([tree])
        while todo:
            node = todo.popleft()
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, ast.AST):
                    parents[value] = node
                    todo.append(value)
                elif isinstance(value, list):
                    for item in value:
                        if isinstance(item, ast.AST):
                            parents[item] = node
                            todo.append(item)
            if type(node) in VISITED:
                visit(node)
        for call in sorted(self.pending, key=lambda c: c.lineno):
            fact = {"line": call.lineno, "callee": dotted(call.func), "args": [self.value(a) for a in call.args]}
            kwargs = {k.arg: self.value(k.value) for k in call.keywords if k.arg}
            if kwargs:
                fact["kwargs"] = kwargs
            if id(call) in self.at_load:
                fact["atLoad"] = True
            self.facts["calls"].append(fact)
        return self.facts


def main():
    request = json.load(sys.stdin)
    address = re.compile(request["address"], re.I)
    credential = re.compile(request["credential"], re.I)
    calls = re.compile(request["calls"])
    environments = re.compile(request["environments"])
    at_load_calls = re.compile(request["atLoadCalls"])
    out = []
    for file in request["files"]:
        try:
            with open(request["root"] + "/" + file, "rb") as handle:
                tree = ast.parse(handle.read(), file)
            out.append(Walk(file, address, credential, calls, environments, at_load_calls).run(tree))
        except (SyntaxError, ValueError, OSError, RecursionError, MemoryError) as error:
            # One file that cannot be read or parsed (or nests too deep) is named; the others still count.
            out.append({"file": file, "language": "py", "error": str(error) or type(error).__name__, "imports": [], "calls": [], "literals": [], "envReads": [], "envCompares": []})
    json.dump(out, sys.stdout)


main()
