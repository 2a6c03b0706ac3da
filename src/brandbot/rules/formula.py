"""A `metric` rule's formula and condition, parsed into a closure, never handed to eval().

Grammar: numbers, known variables, + - * / with the usual precedence, unary minus,
parentheses and `math.sqrt(...)` (Vale's Readability package uses it for SMOG). A condition
is a comparison operator followed by such an expression: `> 8.0`.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Collection, Mapping

Formula = Callable[[Mapping[str, float]], float]
Condition = Callable[[float, Mapping[str, float]], bool]

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d*)?|\.\d+)|(?P<name>[A-Za-z_]\w*(?:\.\w+)*)|(?P<op>[-+*/(),])|(?P<bad>\S))"
)
_COMPARISON = re.compile(r"\s*(>=|<=|==|!=|>|<)(.*)", re.DOTALL)
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}
_FUNCTIONS: dict[str, Callable[[float], float]] = {"math.sqrt": math.sqrt}
_BINARY: dict[str, Callable[[float, float], float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}


class FormulaError(ValueError):
    pass


def parse_formula(source: str, variables: Collection[str]) -> Formula:
    return _Parser(source, variables).parse()


def parse_condition(source: str, variables: Collection[str]) -> Condition:
    found = _COMPARISON.fullmatch(source)
    if found is None:
        raise FormulaError(f"expected a comparison such as '> 8.0', found '{source}'")
    compare = _COMPARE[found[1]]
    right = parse_formula(found[2], variables)
    return lambda value, values: compare(value, right(values))


class _Parser:
    def __init__(self, source: str, variables: Collection[str]) -> None:
        self.tokens = self._tokenize(source)
        self.variables = variables
        self.index = 0

    @staticmethod
    def _tokenize(source: str) -> list[tuple[str, str]]:
        tokens = []
        for found in _TOKEN.finditer(source.rstrip()):
            kind = found.lastgroup or "bad"
            if kind == "bad":
                raise FormulaError(f"unexpected '{found[kind]}'")
            tokens.append((kind, found[kind]))
        if not tokens:
            raise FormulaError("empty expression")
        return tokens

    def parse(self) -> Formula:
        formula = self._sum()
        if self.index < len(self.tokens):
            raise FormulaError(f"unexpected '{self.tokens[self.index][1]}'")
        return formula

    def _peek(self) -> str:
        return self.tokens[self.index][1] if self.index < len(self.tokens) else ""

    def _take(self) -> tuple[str, str]:
        if self.index >= len(self.tokens):
            raise FormulaError("the expression ends too early")
        token = self.tokens[self.index]
        self.index += 1
        return token

    def _sum(self) -> Formula:
        return self._chain(self._product, "+-")

    def _product(self) -> Formula:
        return self._chain(self._unary, "*/")

    def _chain(self, operand: Callable[[], Formula], operators: str) -> Formula:
        left = operand()
        while self._peek() and self._peek() in operators:
            apply = _BINARY[self._take()[1]]
            right = operand()
            left = _binary(apply, left, right)
        return left

    def _unary(self) -> Formula:
        if self._peek() == "-":
            self._take()
            inner = self._unary()
            return lambda values: -inner(values)
        return self._atom()

    def _atom(self) -> Formula:
        kind, text = self._take()
        if kind == "number":
            number = float(text)
            return lambda values: number
        if text == "(":
            inner = self._sum()
            self._expect(")")
            return inner
        if kind == "name" and text in _FUNCTIONS:
            function = _FUNCTIONS[text]
            self._expect("(")
            argument = self._sum()
            self._expect(")")
            return lambda values: function(argument(values))
        if kind == "name":
            name = re.sub(r"^heading\.(h[1-6])$", r"heading_\1", text)
            if name not in self.variables:
                raise FormulaError(f"unknown variable '{text}' (known: {', '.join(sorted(self.variables))})")
            return lambda values: values[name]
        raise FormulaError(f"unexpected '{text}'")

    def _expect(self, text: str) -> None:
        if self._take()[1] != text:
            raise FormulaError(f"expected '{text}'")


def _binary(apply: Callable[[float, float], float], left: Formula, right: Formula) -> Formula:
    return lambda values: apply(left(values), right(values))
