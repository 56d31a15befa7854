<?php
// Prints the goldens of PHP's http_build_query that PhpQueryEncoderGoldenTests compares against.
// Every case is a JSON object given as text; PHP decodes it (json_decode(..., true)) and encodes it
// with http_build_query(..., '', '&', PHP_QUERY_RFC1738), the defaults the Bitrix24 SDKs rely on.
//
// Regenerate (needs php-cli, e.g. `apt-get install -y php-cli`), from the repository root:
//   php tests/Bitrix.Runtime.Tests/Encoding/http_build_query_goldens.php \
//     > tests/Bitrix.Runtime.Tests/Encoding/http_build_query.golden.json
//
// Scope: values that are not null. http_build_query drops nulls (a query string cannot carry
// them); the client sends such parameters as a JSON body instead. Floats are limited to values
// whose shortest form has at most 14 significant digits: http_build_query formats floats with
// PHP's `precision` ini (14), which rounds (0.1 + 0.2 -> "0.3"); the client keeps every digit
// on purpose (see PhpQueryEncoderTests).

$cases = [
    'scalar' => '{"ID": 5}',
    'top-level string and number' => '{"entityTypeId": 2, "id": "17"}',
    'filter operators' => '{"filter": {">=ID": 5, "<DATE_CREATE": "2024-01-01T00:00:00+03:00", "!STAGE_ID": "WON", "!=TYPE_ID": "SALE", ">OPPORTUNITY": 100, "<=ID": 900, "%TITLE": "Acme", "=%TITLE": "Ac%", "%=TITLE": "%me", "!%TITLE": "x", "@ID": [1, 2, 3], "!@ID": [4], "=CLOSED": "N"}}',
    'select list' => '{"select": ["ID", "TITLE", "UF_*", "*", "PHONE"]}',
    'order and start' => '{"order": {"ID": "ASC", "DATE_CREATE": "DESC"}, "filter": {">ID": 0}, "start": -1}',
    'booleans' => '{"a": true, "b": false, "nested": {"c": true, "d": [false, true]}}',
    'integers' => '{"zero": 0, "negative": -17, "big": 9007199254740993, "max": 9223372036854775807}',
    'floats' => '{"half": 1.5, "quarter": -0.25, "money": 19999.99, "tiny": 0.001, "many": 123456.789}',
    'unicode' => '{"TITLE": "Сделка №1 — «тест» 日本語 😀 é", "COMMENTS": "Grüße"}',
    'unicode keys' => '{"filter": {"ключ": "значение", "日本": 1}}',
    'special characters' => '{"q": "a b+c&d=e?f#g/h\\\\i%j\'k\\"l<m>n~o*p(q)r!s;t:u@v$w,x[y]z{|}`^", "empty": "", "space": " ", "plus": "+", "percent": "%41", "ws": "line1\nline2\tx\r"}',
    'special characters in keys' => '{"a b": 1, "a+b": 2, "filter": {"a b&c=d": "x", "[weird]": "y", "x]y": "z", "a.b": "dot"}}',
    'multifields' => '{"fields": {"TITLE": "ООО «Ромашка»", "PHONE": [{"VALUE": "+7 999 123-45-67", "VALUE_TYPE": "WORK"}, {"VALUE": "+1 (555) 010", "VALUE_TYPE": "HOME"}], "UF_CRM_LIST": [1, 2], "OPENED": "Y"}}',
    'positional' => '{"0": 123, "1": {"POST_MESSAGE": "hello world", "AUTHOR_ID": 1}}',
    'empty containers are dropped' => '{"a": [], "b": {}, "c": 1, "d": {"e": [], "f": {"g": {}}}, "h": [[]]}',
    'list of lists' => '{"m": [[1, 2], [3], ["x", ["y"]]]}',
    'batch references' => '{"filter": {">ID": "$result[page3][49][ID]"}, "ids": "$result[list]", "mixed": "ID-$result[a][0][ID]-x"}',
    'empty object' => '{}',
    'map with integer-like keys' => '{"filter": {"0": "a", "x": "b", "5": "c", "07": "d", "-3": "e"}}',
    'numeric-looking strings' => '{"a": "007", "b": "1e3", "c": "0x1A", "d": "-0", "e": "1.50"}',
    'deep nesting' => '{"a": {"b": {"c": {"d": {"e": {"f": [{"g": "deep"}]}}}}}}',
];

$out = [];
foreach ($cases as $name => $json) {
    $data = json_decode($json, true, 512, JSON_BIGINT_AS_STRING | JSON_THROW_ON_ERROR);
    $out[] = ['name' => $name, 'input' => $json, 'query' => http_build_query($data, '', '&', PHP_QUERY_RFC1738)];
}

echo json_encode(
    ['generator' => 'PHP ' . PHP_VERSION . ' http_build_query (tests/Bitrix.Runtime.Tests/Encoding/http_build_query_goldens.php)', 'cases' => $out],
    JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR
), "\n";
