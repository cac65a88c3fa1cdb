"""Known-wrong and valid answers for notebook 03-computation-graphs.

Each variant redefines one op and attaches it to the shared Value class, as the
solution cell does; the real solution cell runs after the variants and restores it.
"""
from tests.mutants.catalogue import Mutant, Valid, quiz


def _binary(op, sym, body):
    return (f"def {op}(self, other):\n    other = other if isinstance(other, Value) else Value(other)\n"
            f"    out = Value(self.data {sym} other.data, (self, other), {sym!r})\n"
            "    def _backward():\n" + "".join(f"        {line}\n" for line in body)
            + f"    out._backward = _backward\n    return out\n\nValue.{op} = {op}\n")


def _add(*body):
    return _binary("__add__", "+", body)


def _mul(*body):
    return _binary("__mul__", "*", body)


def _unary(name, head, forward, grad, attach=True, parents="(self,)"):
    """A one-input op: forward is the out.data expression, grad the line(s) inside _backward."""
    lines = [f"def {head}:", *forward, f"    out = Value({'_fwd'}, {parents}, {name!r})", "    def _backward():",
             *[f"        {g}" for g in grad]]
    if attach:
        lines.append("    out._backward = _backward")
    lines += ["    return out", "", f"Value.{head.split('(')[0]} = {head.split('(')[0]}"]
    return "\n".join(lines) + "\n"


def _pow(parents="(self,)", fwd="self.data ** k", grad="self.grad += k * self.data ** (k - 1) * out.grad"):
    return _unary("**", "__pow__(self, k)", [f"    _fwd = {fwd}"], [grad], parents=parents)


def _exp(parents="(self,)", fwd="math.exp(self.data)", grad="self.grad += out.data * out.grad"):
    return _unary("exp", "exp(self)", [f"    _fwd = {fwd}"], [grad], parents=parents)


def _tanh(parents="(self,)", fwd="math.tanh(self.data)", grad="self.grad += (1 - out.data ** 2) * out.grad"):
    return _unary("tanh", "tanh(self)", [f"    _fwd = {fwd}"], [grad], parents=parents)


def _relu(parents="(self,)", fwd="self.data if self.data > 0 else 0.0", grad="self.grad += (out.data > 0) * out.grad"):
    return _unary("relu", "relu(self)", [f"    _fwd = {fwd}"], [grad], parents=parents)


_TOPO = ["order, visited, stack = [], set(), [(root, False)]",
         "while stack:",
         "    v, parents_done = stack.pop()",
         "    if parents_done:",
         "        order.append(v)",
         "    elif v not in visited:",
         "        visited.add(v)",
         "        stack.append((v, True))",
         "        for p in v._prev:",
         "            if p not in visited:",
         "                stack.append((p, False))"]
_BACK = ["for v in order:", "    if v._prev:", "        v.grad = 0.0", "self.grad = 1.0", "for v in reversed(order):", "    v._backward()"]


def _backward(topo=_TOPO, back=_BACK):
    return ("def topo_order(root):\n" + "".join(f"    {line}\n" for line in topo) + "    return order\n\n"
            "def backward(self):\n    order = topo_order(self)\n" + "".join(f"    {line}\n" for line in back)
            + "\nValue.backward = backward\n")


_RECURSIVE = ["order, visited = [], set()", "def visit(v):", "    if v not in visited:", "        visited.add(v)",
              "        for p in v._prev:", "            visit(p)", "        order.append(v)", "visit(root)"]
_KAHN = ["nodes, stack = {root}, [root]",
         "while stack:",
         "    for p in stack.pop()._prev:",
         "        if p not in nodes:",
         "            nodes.add(p)",
         "            stack.append(p)",
         "users = {v: 0 for v in nodes}",
         "for v in nodes:",
         "    for p in set(v._prev):",
         "        users[p] += 1",
         "ready, order = [root], []",
         "while ready:",
         "    v = ready.pop()",
         "    order.append(v)",
         "    for p in set(v._prev):",
         "        users[p] -= 1",
         "        if users[p] == 0:",
         "            ready.append(p)",
         "order.reverse()"]
_ITERATORS = ["order, visited, stack = [], {root}, [(root, iter(root._prev))]",
              "while stack:",
              "    v, parents = stack[-1]",
              "    p = next(parents, None)",
              "    if p is None:",
              "        order.append(stack.pop()[0])",
              "    elif p not in visited:",
              "        visited.add(p)",
              "        stack.append((p, iter(p._prev)))"]


def _zero(*body):
    return "def zero_grad(self):\n" + "".join(f"    {line}\n" for line in body) + "\nValue.zero_grad = zero_grad\n"


def _nsd(neg=("self.grad += -1.0 * out.grad",), sub=("self.grad += out.grad", "other.grad += -1.0 * out.grad"),
         div=("self.grad += out.grad / other.data", "other.grad += -self.data / other.data ** 2 * out.grad")):
    def op(name, forward, body, binary=True):
        wrap = "    other = other if isinstance(other, Value) else Value(other)\n" if binary else ""
        return (f"def {name}(self{', other' if binary else ''}):\n{wrap}    out = {forward}\n    def _backward():\n"
                + "".join(f"        {line}\n" for line in body) + "    out._backward = _backward\n    return out\n\n")
    return (op("__neg__", 'Value(-self.data, (self,), "neg")', neg, binary=False)
            + op("__sub__", 'Value(self.data - other.data, (self, other), "-")', sub)
            + op("__truediv__", 'Value(self.data / other.data, (self, other), "/")', div)
            + "Value.__neg__, Value.__sub__, Value.__truediv__ = __neg__, __sub__, __truediv__\n")



_MLP = """class Neuron:
    def __init__(self, n_in, rng, nonlin=True):
        self.w = [Value(rng.uniform(-1, 1)) for _ in range(n_in)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x):
        NEURON_CALL

    def parameters(self):
        NEURON_PARAMS


class Layer:
    def __init__(self, n_in, n_out, rng, nonlin=True):
        self.neurons = [Neuron(n_in, rng, nonlin) for _ in range(n_out)]

    def __call__(self, x):
        LAYER_CALL

    def parameters(self):
        LAYER_PARAMS


class MLP:
    def __init__(self, sizes, seed=0):
        rng = np.random.default_rng(seed)
        self.layers = [Layer(sizes[i], sizes[i + 1], rng, nonlin=i < len(sizes) - 2) for i in range(len(sizes) - 1)]

    def __call__(self, x):
        MLP_CALL

    def parameters(self):
        MLP_PARAMS
"""
_MLP_PARTS = {
    "NEURON_CALL": "z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)\n        return z.tanh() if self.nonlin else z",
    "NEURON_PARAMS": "return self.w + [self.b]",
    "LAYER_CALL": "return [n(x) for n in self.neurons]",
    "LAYER_PARAMS": "return [p for n in self.neurons for p in n.parameters()]",
    "MLP_CALL": "for layer in self.layers:\n            x = layer(x)\n        return x[0]",
    "MLP_PARAMS": "return [p for layer in self.layers for p in layer.parameters()]",
}


def _mlp(**parts):
    code = _MLP
    for key, default in _MLP_PARTS.items():
        code = code.replace(key, parts.get(key, default))
    return code


EXERCISES = {
    "value_add": {
        "mutants": [
            Mutant("= instead of += (a + a loses a share)", _add("self.grad = out.grad", "other.grad = out.grad"), "overwrites"),
            Mutant("= on the self line only ((a + c) * a loses a share)", _add("self.grad = out.grad", "other.grad += out.grad"), "never self.grad ="),
            Mutant("= on the other line only", _add("self.grad += out.grad", "other.grad = out.grad"), "overwrites"),
            Mutant("sign flip", _add("self.grad -= out.grad", "other.grad -= out.grad"), "opposite sign"),
            Mutant("ignores the upstream gradient", _add("self.grad += 1.0", "other.grad += 1.0")),
            Mutant("other forgotten", _add("self.grad += out.grad"), "all zeros"),
            Mutant("counted twice", _add("self.grad += 2 * out.grad", "other.grad += 2 * out.grad"), "twice"),
            Mutant("data instead of grad", _add("self.grad += out.data", "other.grad += out.data")),
            Mutant("_backward never attached", _add("self.grad += out.grad", "other.grad += out.grad")
                   .replace("    out._backward = _backward\n", ""), "all zeros"),
        ],
        "valid": [
            Valid("spelled out", _add("self.grad = self.grad + 1.0 * out.grad", "other.grad = other.grad + 1.0 * out.grad")),
            Valid("a loop over the parents", _add("for p in (self, other):", "    p.grad += out.grad")),
        ],
    },
    "value_mul": {
        "mutants": [
            Mutant("= instead of += (a * a loses a share)", _mul("self.grad = other.data * out.grad", "other.grad = self.data * out.grad"), "overwrites"),
            Mutant("= on the self line only (a * c + a loses a share)", _mul("self.grad = other.data * out.grad", "other.grad += self.data * out.grad"), "(+=)"),
            Mutant("own data instead of the other's", _mul("self.grad += self.data * out.grad", "other.grad += other.data * out.grad")),
            Mutant("sign flip", _mul("self.grad -= other.data * out.grad", "other.grad -= self.data * out.grad"), "opposite sign"),
            Mutant("ignores the upstream gradient", _mul("self.grad += other.data", "other.grad += self.data")),
            Mutant("grad instead of data", _mul("self.grad += other.grad * out.grad", "other.grad += self.grad * out.grad"), "all zeros"),
            Mutant("like addition", _mul("self.grad += out.grad", "other.grad += out.grad")),
        ],
        "valid": [
            Valid("spelled out", _mul("self.grad = self.grad + out.grad * other.data", "other.grad = other.grad + out.grad * self.data")),
            Valid("pairs", _mul("for p, local in ((self, other.data), (other, self.data)):", "    p.grad += local * out.grad")),
        ],
    },
    "backward": {
        "mutants": [
            Mutant("recursive topological sort (fails the deep chain)", _backward(topo=_RECURSIVE), "recursion"),
            Mutant("forward order instead of reversed", _backward(back=_BACK[:4] + ["for v in order:", "    v._backward()"])),
            Mutant("L.grad never seeded with 1", _backward(back=_BACK[:3] + _BACK[4:]), "all zeros"),
            Mutant("no visited set (shared nodes twice)", _backward(topo=_TOPO[:5] + ["    else:", "        stack.append((v, True))", "        for p in v._prev:", "            stack.append((p, False))"])),
            Mutant("inner grads not reset (a second pass compounds)", _backward(back=_BACK[3:])),
            Mutant("leaves reset too (no accumulation across passes)", _backward(back=["for v in order:", "    v.grad = 0.0"] + _BACK[3:]), "half"),
            Mutant("root dropped from the order", _backward(topo=_TOPO + ["order.pop()"]), "all zeros"),
        ],
        "valid": [
            Valid("Kahn's algorithm", _backward(topo=_KAHN)),
            Valid("a stack of iterators", _backward(topo=_ITERATORS)),
        ],
    },
    "zero_grad": {
        "mutants": [
            Mutant("only self", _zero("self.grad = 0.0")),
            Mutant("only the leaves", _zero("for v in topo_order(self):", "    if not v._prev:", "        v.grad = 0.0")),
            Mutant("only the direct parents", _zero("self.grad = 0.0", "for p in self._prev:", "    p.grad = 0.0")),
            Mutant("set to one", _zero("for v in topo_order(self):", "    v.grad = 1.0")),
            Mutant("does nothing", _zero("pass")),
            Mutant("halves instead of zeroing", _zero("for v in topo_order(self):", "    v.grad /= 2")),
        ],
        "valid": [
            Valid("own stack", _zero("stack, seen = [self], set()", "while stack:", "    v = stack.pop()", "    if v not in seen:",
                                     "        seen.add(v)", "        v.grad = 0.0", "        stack.extend(v._prev)")),
            Valid("setattr", _zero("for v in topo_order(self):", "    setattr(v, 'grad', 0)")),
        ],
    },
    "value_pow": {
        "mutants": [
            Mutant("exponent not lowered", _pow(grad="self.grad += k * self.data ** k * out.grad")),
            Mutant("factor k forgotten", _pow(grad="self.grad += self.data ** (k - 1) * out.grad")),
            Mutant("= instead of +=", _pow(grad="self.grad = k * self.data ** (k - 1) * out.grad")),
            Mutant("sign flip", _pow(grad="self.grad -= k * self.data ** (k - 1) * out.grad"), "opposite sign"),
            Mutant("forward multiplies", _pow(fwd="self.data * k")),
            Mutant("output instead of input", _pow(grad="self.grad += k * out.data ** (k - 1) * out.grad")),
            Mutant("no parents tuple", _pow(parents="()"), "list the parents"),
        ],
        "valid": [
            Valid("k * out / self", _pow(grad="self.grad += k * out.data / self.data * out.grad")),
            Valid("math.pow", _pow(fwd="math.pow(self.data, k)", grad="self.grad += k * math.pow(self.data, k - 1) * out.grad")),
        ],
    },
    "value_neg_sub_div": {
        "mutants": [
            Mutant("negation passes the gradient unchanged", _nsd(neg=("self.grad += out.grad",)), "opposite sign"),
            Mutant("subtraction: b's share with the wrong sign", _nsd(sub=("self.grad += out.grad", "other.grad += out.grad")), "opposite sign"),
            Mutant("subtraction: = instead of += (a - a)", _nsd(sub=("self.grad = out.grad", "other.grad = -out.grad"))),
            Mutant("subtraction: = on the self line only ((a - b) * a)", _nsd(sub=("self.grad = out.grad", "other.grad += -1.0 * out.grad")), "(+=)"),
            Mutant("negation: = instead of += ((-a) * a)", _nsd(neg=("self.grad = -out.grad",)), "overwrites"),
            Mutant("division: b's share with the wrong sign", _nsd(div=("self.grad += out.grad / other.data", "other.grad += self.data / other.data ** 2 * out.grad")), "opposite sign"),
            Mutant("division: a's share times b", _nsd(div=("self.grad += out.grad * other.data", "other.grad += -self.data / other.data ** 2 * out.grad"))),
            Mutant("division: square forgotten", _nsd(div=("self.grad += out.grad / other.data", "other.grad += -self.data / other.data * out.grad"))),
            Mutant("division: = instead of +=", _nsd(div=("self.grad = out.grad / other.data", "other.grad = -self.data / other.data ** 2 * out.grad"))),
        ],
        "valid": [
            Valid("minus-equals", _nsd(neg=("self.grad -= out.grad",), sub=("self.grad += out.grad", "other.grad -= out.grad"),
                                       div=("self.grad += out.grad / other.data", "other.grad -= out.grad * out.data / other.data"))),
            Valid("pairs of local gradients", _nsd(sub=("for p, local in ((self, 1.0), (other, -1.0)):", "    p.grad += local * out.grad"),
                                                   div=("for p, local in ((self, 1 / other.data), (other, -self.data / other.data ** 2)):",
                                                        "    p.grad += local * out.grad"))),
        ],
    },
    "value_exp": {
        "mutants": [
            Mutant("input instead of output", _exp(grad="self.grad += self.data * out.grad")),
            Mutant("= instead of +=", _exp(grad="self.grad = out.data * out.grad")),
            Mutant("local gradient forgotten", _exp(grad="self.grad += out.grad")),
            Mutant("exp(-x) forward", _exp(fwd="math.exp(-self.data)")),
            Mutant("sign flip", _exp(grad="self.grad -= out.data * out.grad"), "opposite sign"),
            Mutant("twice", _exp(grad="self.grad += 2 * out.data * out.grad"), "twice"),
            Mutant("no parents tuple", _exp(parents="()"), "list the parents"),
        ],
        "valid": [
            Valid("math.e power", _exp(fwd="math.e ** self.data", grad="self.grad += math.exp(self.data) * out.grad")),
            Valid("numpy", _exp(fwd="float(np.exp(self.data))", grad="self.grad = self.grad + out.grad * out.data")),
        ],
    },
    "value_tanh": {
        "mutants": [
            Mutant("z used instead of a: 1 - z^2", _tanh(grad="self.grad += (1 - self.data ** 2) * out.grad"), "OUTPUT"),
            Mutant("square forgotten", _tanh(grad="self.grad += (1 - out.data) * out.grad")),
            Mutant("= instead of +=", _tanh(grad="self.grad = (1 - out.data ** 2) * out.grad")),
            Mutant("sign flip", _tanh(grad="self.grad += (out.data ** 2 - 1) * out.grad"), "opposite sign"),
            Mutant("twice", _tanh(grad="self.grad += 2 * (1 - out.data ** 2) * out.grad"), "twice"),
            Mutant("sigmoid's a(1 - a)", _tanh(grad="self.grad += out.data * (1 - out.data) * out.grad")),
            Mutant("no parents tuple", _tanh(parents="()"), "list the parents"),
        ],
        "valid": [
            Valid("1 / cosh^2", _tanh(grad="self.grad += out.grad / math.cosh(self.data) ** 2")),
            Valid("from exp", _tanh(fwd="(math.exp(2 * self.data) - 1) / (math.exp(2 * self.data) + 1)",
                                    grad="self.grad += (1 - math.tanh(self.data) ** 2) * out.grad")),
        ],
    },
    "value_relu": {
        "mutants": [
            Mutant("gradient always passed", _relu(grad="self.grad += out.grad")),
            Mutant("gradient never passed", _relu(grad="self.grad += 0.0"), "all zeros"),
            Mutant("= instead of +=", _relu(grad="self.grad = (out.data > 0) * out.grad")),
            Mutant("gate reversed", _relu(grad="self.grad += (out.data <= 0) * out.grad")),
            Mutant("leaky", _relu(fwd="self.data if self.data > 0 else 0.01 * self.data", grad="self.grad += (1.0 if self.data > 0 else 0.01) * out.grad")),
            Mutant("absolute value", _relu(fwd="abs(self.data)", grad="self.grad += (1.0 if self.data > 0 else -1.0) * out.grad")),
            Mutant("no parents tuple", _relu(parents="()"), "list the parents"),
            Mutant("parents as a bare Value, not a tuple", _relu(parents="self")),
        ],
        "valid": [
            Valid("gate on the input", _relu(fwd="max(self.data, 0.0)", grad="self.grad += out.grad if self.data > 0 else 0.0")),
            Valid("float gate", _relu(grad="self.grad += float(self.data > 0) * out.grad")),
        ],
    },
    "mlp_classes": {
        "mutants": [
            Mutant("bias forgotten", _mlp(NEURON_CALL="z = sum(wi * xi for wi, xi in zip(self.w, x))\n        return z.tanh() if self.nonlin else z")),
            Mutant("tanh on the output layer too", _mlp(NEURON_CALL="return sum((wi * xi for wi, xi in zip(self.w, x)), self.b).tanh()")),
            Mutant("no tanh anywhere", _mlp(NEURON_CALL="return sum((wi * xi for wi, xi in zip(self.w, x)), self.b)")),
            Mutant("bias missing from parameters()", _mlp(NEURON_PARAMS="return list(self.w)")),
            Mutant("bias first in parameters()", _mlp(NEURON_PARAMS="return [self.b] + self.w")),
            Mutant("copies in parameters() (no gradient reaches them)", _mlp(NEURON_PARAMS="return [Value(p.data) for p in self.w + [self.b]]"), "the very Values"),
            Mutant("layer returns only its first neuron", _mlp(LAYER_CALL="return [self.neurons[0](x)]")),
            Mutant("every layer fed the input, not the previous output", _mlp(MLP_CALL="for layer in self.layers:\n            out = layer(x)\n        return out[0]")),
            Mutant("layers in reverse order in parameters()", _mlp(MLP_PARAMS="return [p for layer in reversed(self.layers) for p in layer.parameters()]")),
            Mutant("only the last layer's parameters", _mlp(MLP_PARAMS="return self.layers[-1].parameters()")),
        ],
        "valid": [
            Valid("explicit loops", _mlp(NEURON_CALL="z = self.b\n        for wi, xi in zip(self.w, x):\n            z = z + wi * xi\n        return z.tanh() if self.nonlin else z",
                                         LAYER_PARAMS="params = []\n        for n in self.neurons:\n            params.extend(n.parameters())\n        return params")),
            Valid("weights last in the sum", _mlp(NEURON_CALL="z = sum([xi * wi for wi, xi in zip(self.w, x)]) + self.b\n        return z.tanh() if self.nonlin else z")),
            Valid("functools.reduce", "import functools\n" + _mlp(MLP_CALL="return functools.reduce(lambda h, layer: layer(h), self.layers, x)[0]")),
            Valid("micrograd's own: a one-neuron layer returns its Value", _mlp(
                LAYER_CALL="outs = [n(x) for n in self.neurons]\n        return outs[0] if len(outs) == 1 else outs",
                MLP_CALL="for layer in self.layers:\n            x = layer(x)\n        return x")),
        ],
    },
    "quiz": quiz(('b', 'a', 'c', 'a'), [
        ('q1 right value', ('a', 'a', 'c', 'a')),
        ('q1 twice', ('c', 'a', 'c', 'a')),
        ('q2 only slower', ('b', 'b', 'c', 'a')),
        ('q3 unchanged', ('b', 'a', 'a', 'a')),
        ('q4 W^T x, the shape of z', ('b', 'a', 'c', 'b')),
        ('q4 the outer product', ('b', 'a', 'c', 'c')),
    ]),
}
