"""image_classify._spec_check: requests and responses built from each effective spec's own
examples pass; planted deviations are reported at the exact place in the message and in the
spec, in the spec's words."""

from __future__ import annotations

import base64
import copy
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from image_classify import _spec_check
from image_classify._providers import provider_info, providers
from image_classify._spec_check import Deviation, check_request, check_response
from image_classify._spec_files import effective_spec
from image_classify._spec_match import METHODS, SpecIndex, resolve

# The 1x1 PNG of Roboflow's request example.
ROBOFLOW_EXAMPLE: str = effective_spec("roboflow")["paths"]["/{dataset}/{version}"]["post"][
    "requestBody"
]["content"]["application/x-www-form-urlencoded"]["examples"]["onePixelPng"]["value"]
PNG = base64.b64decode(ROBOFLOW_EXAMPLE)
SECRET = "sk-test-secret-value-9f3a"
JSON = {"Content-Type": "application/json"}
ROBOFLOW_OP = "/paths/~1{dataset}~1{version}/post"
HF_OP = "/paths/~1models~1{namespace}~1{model_name}/post"
CF_OP = "/paths/~1accounts~1{account_id}~1ai~1run~1@cf~1microsoft~1resnet-50/post"
HF_URL = "https://router.huggingface.co/hf-inference/models/google/vit-base-patch16-224"
CF_URL = "https://api.cloudflare.com/client/v4/accounts/023e/ai/run/@cf/microsoft/resnet-50"
EI_URL = "https://studio.edgeimpulse.com/v1/api/12345/classify/image"
RF_URL = "https://classify.roboflow.com/vehicle-classification-eapcd/2"


# -- cases from the specs' own examples ------------------------------------------------------


def param_value(document: dict[str, Any], raw: dict[str, Any]) -> str:
    param, _ = resolve(document, raw, "")
    if "example" in param:
        return str(param["example"])
    schema, _ = resolve(document, param.get("schema", {}), "")
    return "1" if schema.get("type") in ("integer", "number") else "example"


def operations(provider: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(METHOD, concrete path, operation) for every operation of the effective spec."""
    document = effective_spec(provider)
    for template, item in document["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            path = template
            for raw in op.get("parameters", []):
                param, _ = resolve(document, raw, "")
                if param["in"] == "path":
                    path = path.replace("{" + param["name"] + "}", param_value(document, raw))
            yield method.upper(), path, op


def base_urls(provider: str) -> list[str]:
    """The spec's server (with its base path) and the provider's mock on loopback."""
    mock = f"http://127.0.0.1:{provider_info(provider).mock_port}"
    return [effective_spec(provider)["servers"][0]["url"], mock]


def credentials(provider: str) -> tuple[dict[str, str], str]:
    """Headers and a query string carrying a credential the way the manifest says."""
    auth = provider_info(provider).auth
    if auth.style == "query":
        return {}, f"?{auth.name}={SECRET}"
    if auth.style == "bearer":
        return {"Authorization": f"Bearer {SECRET}"}, ""
    return {auth.name: SECRET}, ""


def examples(media: dict[str, Any], document: dict[str, Any]) -> Iterator[Any]:
    if "example" in media:
        yield media["example"]
    for raw in (media.get("examples") or {}).values():
        example, _ = resolve(document, raw, "")
        yield example["value"]


def status_of(key: str) -> int:
    """A concrete status for a responses key ("5XX" -> 500, "default" -> 599)."""
    return 599 if key.lower() == "default" else int(re.sub("[xX]", "0", key))


def request_cases(provider: str) -> Iterator[tuple[str, str, dict[str, str], bytes]]:
    """(METHOD, path, headers, body) per request example; a multipart body for a
    multipart operation (those have no examples), with every text field filled in."""
    document = effective_spec(provider)
    for method, path, op in operations(provider):
        body_spec, _ = resolve(document, op.get("requestBody", {}), "")
        content = body_spec.get("content", {})
        if not content:
            yield method, path, {}, b""
        for media_type, media in content.items():
            if media_type == "multipart/form-data":
                schema, _ = resolve(document, media["schema"], "")
                text = [name for name in schema["properties"] if name != "image"]
                yield method, path, *multipart(dict.fromkeys(text, "cat"), PNG)
            elif media_type == "application/json":
                for example in examples(media, document):
                    yield method, path, {"Content-Type": media_type}, json.dumps(example).encode()
            elif media_type == "application/octet-stream":
                yield method, path, {"Content-Type": media_type}, PNG
            else:
                for example in examples(media, document):
                    yield method, path, {"Content-Type": media_type}, example.encode()


def response_cases(provider: str) -> Iterator[tuple[str, str, int, Any]]:
    """(METHOD, path, status, example body) for every response example of the spec."""
    document = effective_spec(provider)
    for method, path, op in operations(provider):
        for key, raw in op["responses"].items():
            answer, _ = resolve(document, raw, "")
            for media in answer.get("content", {}).values():
                for example in examples(media, document):
                    yield method, path, status_of(key), example


def multipart(fields: dict[str, str], image: bytes) -> tuple[dict[str, str], bytes]:
    """A multipart/form-data body as httpx sends it: text fields and an `image` file."""
    files = {"image": ("cat.png", image, "image/png")}
    request = httpx.Request("POST", "http://x/", data=fields, files=files)
    return {"Content-Type": request.headers["Content-Type"]}, request.read()


def patched(provider: str, change: Callable[[dict[str, Any]], None]) -> SpecIndex:
    """An index over a copy of the provider's effective spec, changed by `change`."""
    document = copy.deepcopy(effective_spec(provider))
    change(document)
    return SpecIndex(provider, document)


def use_index(monkeypatch: pytest.MonkeyPatch, index: SpecIndex) -> None:
    monkeypatch.setattr(_spec_check, "index_for", lambda provider: index)


def only(deviations: list[Deviation]) -> Deviation:
    assert len(deviations) == 1, [str(d) for d in deviations]
    return deviations[0]


# -- the specs' examples pass ----------------------------------------------------------------


@pytest.mark.parametrize("provider", list(providers()))
def test_every_request_example_passes(provider: str) -> None:
    auth_headers, query = credentials(provider)
    cases = list(request_cases(provider))
    assert cases
    for base in base_urls(provider):
        for method, path, headers, body in cases:
            url = base + path + query
            assert check_request(provider, method, url, auth_headers | headers, body) == []


@pytest.mark.parametrize("provider", list(providers()))
def test_every_response_example_passes(provider: str) -> None:
    cases = list(response_cases(provider))
    assert cases
    for base in base_urls(provider):
        for method, path, status, example in cases:
            body = json.dumps(example).encode()
            found = check_response(provider, method, base + path, status, JSON, body)
            assert found == [], (status, [str(d) for d in found])


def test_httpx_headers_and_any_header_case_are_accepted() -> None:
    headers = httpx.Headers({"content-TYPE": "Application/Octet-Stream", "AUTHORIZATION": "x"})
    headers["authorization"] = f"bearer {SECRET}"
    assert check_request("huggingface", "POST", HF_URL, headers, PNG) == []


def test_a_status_range_and_a_documented_header_value() -> None:
    url = "https://api.img-processing.com/v1/images/abc/classify"
    error = {"type": "server", "error": "Internal", "status": 503, "message": "down"}
    assert (
        check_response("img_processing", "POST", url, 503, JSON, json.dumps(error).encode()) == []
    )
    assert check_response("img_processing", "POST", url, 503, JSON, b"{}") != []
    headers = JSON | {"Retry-After": "soon", "x-request-id": "r1"}
    body = json.dumps({"error": "Rate limit reached"}).encode()
    deviation = only(check_response("huggingface", "POST", HF_URL, 429, headers, body))
    assert deviation.part == "response header 'Retry-After'"
    assert deviation.spec_pointer == "/components/headers/RetryAfter/schema/type"
    assert deviation.expected.startswith("type 'integer'")


def test_31_null_is_accepted_where_the_type_lists_it() -> None:
    image = {"id": "i", "name": "n", "url": None, "width": 1, "height": 1, "format": "png"}
    image |= {"size": 1, "created_at": "2021-09-01T12:00:00.000Z"}
    url = "https://api.img-processing.com/v1/images/upload"
    assert (
        check_response("img_processing", "POST", url, 201, JSON, json.dumps(image).encode()) == []
    )


# -- planted deviations ----------------------------------------------------------------------


def test_missing_required_property_points_at_the_refd_component() -> None:
    answer = {"predictions": [{"class": "cat"}], "top": "cat", "confidence": 0.9}
    found = check_response("roboflow", "POST", RF_URL, 200, JSON, json.dumps(answer).encode())
    deviation = only(found)
    assert deviation.operation == "POST /{dataset}/{version}"
    assert (deviation.part, deviation.pointer) == ("response body", "/predictions/0")
    assert deviation.spec_pointer == "/components/schemas/ClassPrediction/required"
    assert deviation.expected == (
        "'confidence' is a required property; One class and the model's confidence in it."
    )
    assert str(deviation) == (
        "roboflow POST /{dataset}/{version}: response body at /predictions/0: "
        "'confidence' is a required property; One class and the model's confidence in it. "
        "(spec: #/components/schemas/ClassPrediction/required)"
    )


def test_wrong_type() -> None:
    body = json.dumps([{"label": 7, "score": 0.5}]).encode()
    deviation = only(check_response("huggingface", "POST", HF_URL, 200, JSON, body))
    assert deviation.pointer == "/0/label"
    assert deviation.spec_pointer == (
        "/components/schemas/ImageClassificationOutputElement/properties/label/type"
    )
    assert deviation.expected == "type 'string'; The predicted class label."


def test_every_error_is_listed_in_path_order() -> None:
    body = json.dumps([{"label": 1, "score": "x"}, {"score": 2}]).encode()
    found = check_response("huggingface", "POST", HF_URL, 200, JSON, body)
    assert [(d.pointer, d.spec_pointer.rsplit("/", 1)[1]) for d in found] == [
        ("/0/label", "type"),
        ("/0/score", "type"),
        ("/1", "required"),
    ]


def test_undocumented_status() -> None:
    deviation = only(check_response("roboflow", "POST", RF_URL, 418, JSON, b"{}"))
    assert (deviation.part, deviation.pointer) == ("response status", "")
    assert deviation.spec_pointer == f"{ROBOFLOW_OP}/responses"
    statuses = "200, 400, 401, 402, 403, 404, 429, 500, 502, 503 or 504"
    assert deviation.expected == f"a documented status ({statuses})"


def test_wrong_request_content_type() -> None:
    headers = {"Authorization": f"Bearer {SECRET}", "Content-Type": "text/plain"}
    deviation = only(check_request("huggingface", "POST", HF_URL, headers, PNG))
    assert (deviation.part, deviation.pointer) == ("request Content-Type", "")
    assert deviation.spec_pointer == f"{HF_OP}/requestBody/content"
    assert "application/octet-stream or application/json" in deviation.expected


def test_wrong_response_content_type() -> None:
    headers = {"Content-Type": "text/html"}
    deviation = only(check_response("huggingface", "POST", HF_URL, 200, headers, b"<html>"))
    assert deviation.part == "response Content-Type"
    assert deviation.spec_pointer == f"{HF_OP}/responses/200/content"
    assert deviation.expected == "one of the documented media types: application/json"


def test_missing_credential_names_the_scheme_never_a_value() -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    deviation = only(check_request("roboflow", "POST", RF_URL, headers, b"aGk="))
    assert deviation.part == "request query parameter 'api_key'"
    assert deviation.spec_pointer == "/components/securitySchemes/RoboflowApiKey"
    assert deviation.expected.startswith("the credential 'RoboflowApiKey': query parameter")
    # A credential in the wrong scheme is missing too, and its value stays out of the text.
    basic = {"Authorization": f"Basic {SECRET}", "Content-Type": "application/octet-stream"}
    deviation = only(check_request("huggingface", "POST", HF_URL, basic, PNG))
    assert deviation.part == "request header 'Authorization'"
    assert SECRET not in repr(deviation) and SECRET not in str(deviation)


def test_missing_required_query_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    def require_image_url(document: dict[str, Any]) -> None:
        document["components"]["parameters"]["ImageUrl"]["required"] = True

    use_index(monkeypatch, patched("roboflow", require_image_url))
    deviation = only(check_request("roboflow", "POST", f"{RF_URL}?api_key=k", {}, b""))
    assert (deviation.part, deviation.pointer) == ("request query parameter 'image'", "")
    assert deviation.spec_pointer == "/components/parameters/ImageUrl/required"
    assert deviation.expected.startswith("required query parameter 'image'; Publicly reachable")


def test_query_and_path_parameters_are_typed_from_text() -> None:
    url = f"{RF_URL}?api_key=k&confidence=-1&labels=yes&stroke=2&format=json"
    found = check_request("roboflow", "POST", url, {}, b"")
    assert [(d.part, d.spec_pointer) for d in found] == [
        (
            "request query parameter 'confidence'",
            "/components/parameters/Confidence/schema/minimum",
        ),
        ("request query parameter 'labels'", "/components/parameters/Labels/schema/type"),
    ]
    zero = check_request("roboflow", "POST", RF_URL.replace("/2", "/0") + "?api_key=k", {}, b"")
    assert only(zero).spec_pointer == "/components/parameters/Version/schema/minimum"
    assert only(zero).part == "request path parameter 'version'"


def test_empty_binary_body_where_min_length_is_1() -> None:
    headers = {"Authorization": f"Bearer {SECRET}", "Content-Type": "application/octet-stream"}
    deviation = only(check_request("cloudflare", "POST", CF_URL, headers, b""))
    assert (deviation.part, deviation.pointer) == ("request body", "")
    media = f"{CF_OP}/requestBody/content/application~1octet-stream/schema"
    assert deviation.spec_pointer == f"{media}/minLength"
    assert deviation.expected.startswith("minLength 1")
    assert "An empty body is not an image." in deviation.expected
    # Without a Content-Type an empty body is no body: the required one is missing.
    deviation = only(
        check_request("cloudflare", "POST", CF_URL, headers | {"Content-Type": ""}, b"")
    )
    assert deviation.spec_pointer == f"{CF_OP}/requestBody/content"


def test_missing_required_body() -> None:
    headers = {"Authorization": f"Bearer {SECRET}"}
    deviation = only(check_request("cloudflare", "POST", CF_URL, headers, b""))
    assert deviation.spec_pointer == f"{CF_OP}/requestBody/required"
    assert deviation.expected == "a request body (application/octet-stream or application/json)"


def test_raw_base64_text_body_is_checked_as_a_string() -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    url = f"{RF_URL}?api_key=k"
    assert check_request("roboflow", "POST", url, headers, ROBOFLOW_EXAMPLE.encode()) == []
    deviation = only(check_request("roboflow", "POST", url, headers, b"\xff\xd8\xff"))
    assert deviation.expected.startswith("text: the body is not UTF-8")


def test_multipart_fields() -> None:
    headers, body = multipart({}, PNG)
    found = check_request("edge_impulse", "POST", EI_URL, {"x-api-key": "k"} | headers, body)
    assert found == []
    headers, body = multipart({"other": "1"}, b"")
    headers["Content-Type"] = headers["Content-Type"].replace("image", "x")
    body = body.replace(b'name="image"', b'name="picture"')
    deviation = only(
        check_request("edge_impulse", "POST", EI_URL, {"x-api-key": "k"} | headers, body)
    )
    assert deviation.spec_pointer == "/components/schemas/UploadImageRequest/required"
    assert deviation.expected.startswith("'image' is a required property")
    url = "https://api.img-processing.com/v1/images/upload"
    headers, body = multipart({"name": "n" * 31}, PNG)
    deviation = only(
        check_request("img_processing", "POST", url, {"x-api-key": "k"} | headers, body)
    )
    assert deviation.pointer == "/name"
    assert (
        deviation.spec_pointer == "/components/schemas/UploadImageRequest/properties/name/maxLength"
    )


def test_body_not_json() -> None:
    deviation = only(check_response("huggingface", "POST", HF_URL, 200, JSON, b"<html>oops"))
    assert (deviation.part, deviation.pointer) == ("response body", "")
    assert deviation.spec_pointer == f"{HF_OP}/responses/200/content/application~1json/schema"
    assert deviation.expected.startswith("the body is not JSON: Expecting value")


def test_30_nullable_field_accepts_null(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://studio.edgeimpulse.com/v1/api/1/classify/image"
    body = json.dumps({"success": False, "error": None}).encode()
    deviation = only(check_response("edge_impulse", "POST", url, 200, JSON, body))
    assert deviation.pointer == "/error"
    assert deviation.spec_pointer == "/components/schemas/GenericApiResponse/properties/error/type"

    def nullable_error(document: dict[str, Any]) -> None:
        document["components"]["schemas"]["GenericApiResponse"]["properties"]["error"][
            "nullable"
        ] = True

    use_index(monkeypatch, patched("edge_impulse", nullable_error))
    assert check_response("edge_impulse", "POST", url, 200, JSON, body) == []
    wrong = json.dumps({"success": False, "error": 3}).encode()
    assert only(check_response("edge_impulse", "POST", url, 200, JSON, wrong)).expected == (
        "type 'string' or null; Optional error description (set if 'success' was false)"
    )


def test_required_response_header(monkeypatch: pytest.MonkeyPatch) -> None:
    def require_request_id(document: dict[str, Any]) -> None:
        document["components"]["headers"]["XRequestId"]["required"] = True

    use_index(monkeypatch, patched("huggingface", require_request_id))
    deviation = only(check_response("huggingface", "POST", HF_URL, 200, JSON, b"[]"))
    assert deviation.part == "response header 'x-request-id'"
    assert deviation.spec_pointer == "/components/headers/XRequestId/required"
    assert (
        check_response("huggingface", "POST", HF_URL, 200, JSON | {"X-Request-Id": "r"}, b"[]")
        == []
    )


def test_no_operation_and_undocumented_method() -> None:
    deviation = only(check_request("cloudflare", "POST", "https://api.cloudflare.com/x", {}, b""))
    assert (deviation.operation, deviation.part, deviation.spec_pointer) == (
        "",
        "request path",
        "/paths",
    )
    assert "POST /accounts/{account_id}/ai/run/@cf/microsoft/resnet-50" in deviation.expected
    deviation = only(check_response("cloudflare", "GET", CF_URL.replace("@", "%40"), 200, {}, b""))
    assert (deviation.part, deviation.operation) == ("request method", "")
    assert deviation.spec_pointer == CF_OP.removesuffix("/post")
    assert deviation.expected.endswith(": POST")


def test_the_most_specific_template_wins() -> None:
    index = patched("roboflow", lambda d: d["paths"].update({"/{a}/{b}/{c}": {}, "/x/{b}": {}}))
    matches = [index.match(path) for path in ("/x/2", "/v1/d/2", "/a%2Fb/2", "/")]
    assert [found.template if found else None for found in matches] == [
        "/x/{b}",
        "/{dataset}/{version}",
        "/{dataset}/{version}",
        None,
    ]
    assert matches[2] is not None
    assert matches[2].path_params == {"dataset": "a/b", "version": "2"}


def test_undocumented_body_of_a_bodiless_response(monkeypatch: pytest.MonkeyPatch) -> None:
    use_index(
        monkeypatch,
        patched(
            "roboflow",
            lambda d: d["paths"]["/{dataset}/{version}"]["post"]["responses"].update(
                {"204": {"description": "none"}}
            ),
        ),
    )
    assert check_response("roboflow", "POST", RF_URL, 204, {}, b"") == []
    deviation = only(check_response("roboflow", "POST", RF_URL, 204, {}, b"x"))
    assert deviation.part == "response body"
    assert deviation.spec_pointer == f"{ROBOFLOW_OP}/responses/204"


def test_a_one_of_failure_is_told_by_its_closest_branch() -> None:
    single = {"predictions": [{"class": "cat", "confidence": 0.9}], "confidence": 0.9}
    found = check_response("roboflow", "POST", RF_URL, 200, JSON, json.dumps(single).encode())
    assert only(found).spec_pointer == "/components/schemas/SingleLabelClassification/required"
    assert only(found).expected.startswith("'top' is a required property")
    multi = {"predictions": {"dent": {"confidence": 2}}, "predicted_classes": ["dent"]}
    found = check_response("roboflow", "POST", RF_URL, 200, JSON, json.dumps(multi).encode())
    assert only(found).pointer == "/predictions/dent/confidence"
    assert only(found).spec_pointer == (
        "/components/schemas/MultiLabelClassPrediction/properties/confidence/maximum"
    )
    # Of neither kind: the combinator itself is the expectation.
    found = check_response("roboflow", "POST", RF_URL, 200, JSON, b"[]")
    assert only(found).spec_pointer == "/components/schemas/ClassificationResult/oneOf"
    assert only(found).expected.startswith("oneOf: valid against exactly one of its 2 schemas")


def test_array_indexes_sort_as_numbers() -> None:
    items: list[dict[str, Any]] = [{"label": "a", "score": 1} for _ in range(11)]
    items[2]["label"] = items[10]["label"] = 7
    found = check_response("huggingface", "POST", HF_URL, 200, JSON, json.dumps(items).encode())
    assert [d.pointer for d in found] == ["/2/label", "/10/label"]


def test_any_documented_alternative_credential_will_do(monkeypatch: pytest.MonkeyPatch) -> None:
    def two_ways(document: dict[str, Any]) -> None:
        document["security"] = [{"api_email": [], "api_key": []}, {"api_token": []}]

    use_index(monkeypatch, patched("cloudflare", two_ways))
    legacy = {"X-Auth-Email": "me@example.com", "X-Auth-Key": SECRET}
    headers = {"Content-Type": "application/octet-stream"}
    assert check_request("cloudflare", "POST", CF_URL, headers | legacy, PNG) == []
    deviation = only(
        check_request("cloudflare", "POST", CF_URL, headers | {"X-Auth-Key": "k"}, PNG)
    )
    assert deviation.part == "request header 'X-Auth-Email'"
    assert deviation.spec_pointer == "/components/securitySchemes/api_email"
    assert "(or another of 2 documented alternatives)" in deviation.expected


def test_long_byte_arrays_report_the_librarys_own_errors() -> None:
    image: list[Any] = list(range(256)) * 400  # 100 kB as an array of byte values
    image[70], image[80], image[90] = 256, True, 1.5
    headers = {"Authorization": f"Bearer {SECRET}", "Content-Type": "application/json"}
    body = json.dumps({"image": image}).encode()
    found = check_request("cloudflare", "POST", CF_URL, headers, body)
    items = "/components/schemas/ResNet50Input/properties/image/items"
    assert [(d.pointer, d.spec_pointer) for d in found] == [
        ("/image/70", f"{items}/maximum"),
        ("/image/80", f"{items}/type"),
        ("/image/90", f"{items}/type"),
    ]
