"""The read API's OpenAPI 3.1 document, written by hand, and its flattening for /api/docs.

It is the one description of the API: /api/openapi.json serves it, /api/docs renders it, and a
test requests every path it lists and compares the answer's fields with the schema here. Change
an endpoint and this document together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gongkai.catalog.models import ELEMENT_FIELDS, OPTIONAL_ELEMENTS, TEXT_ELEMENTS, TICK_GROUPS
from gongkai.orgs.models import UnitKind
from gongkai.publications.models import FiveClass

JSON = dict[str, Any]

API_VERSION = "1.0.0"


def _string(description: str, **extra: Any) -> JSON:
    return {"type": "string", "description": description, **extra}


def _nullable_string(description: str, **extra: Any) -> JSON:
    return {"type": ["string", "null"], "description": description, **extra}


def _integer(description: str) -> JSON:
    return {"type": "integer", "description": description}


def _ref(name: str) -> JSON:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, JSON], description: str = "") -> JSON:
    schema: JSON = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
    }
    if description:
        schema["description"] = description
    return schema


CODE_NAME = _object({"code": _string("代码"), "name": _string("名称")}, "代码和中文名称（枚举值）")


def _code_name(description: str, nullable: bool = False) -> JSON:
    if nullable:
        return {"oneOf": [_ref("CodeName"), {"type": "null"}], "description": description}
    return {**_ref("CodeName"), "description": description}


def _page_of(item: str, description: str) -> JSON:
    return _object(
        {
            "count": _integer("符合条件的总数"),
            "next": _nullable_string("下一页的完整地址；没有下一页时为 null", format="uri"),
            "previous": _nullable_string("上一页的完整地址；没有上一页时为 null", format="uri"),
            "results": {"type": "array", "items": _ref(item), "description": description},
        },
        "分页列表",
    )


PUBLICATION = {
    "id": _integer("编号"),
    "url": _string("本接口中该信息的地址", format="uri"),
    "html_url": _string("门户网站上该信息的页面", format="uri"),
    "title": _string("标题"),
    "index_no": _nullable_string("索引号（发布时生成，永不改变）"),
    "doc_number": _string("文号，如 宝政〔2020〕58号；没有文号时为空字符串"),
    "issuer": _string("发布机构"),
    "unit": _ref("UnitRef"),
    "written_on": _string("成文日期", format="date"),
    "published_at": _nullable_string("发布时间（北京时间，带时区）", format="date-time"),
    "topic": _string("主题分类"),
    "five_class": _code_name("五公开类别：" + "、".join(FiveClass.values)),
    "column": _ref("CodeName"),
    "domain": _code_name("公开领域；未归入领域时为 null", nullable=True),
    "doc_kind": _code_name("文件类型：ordinary、normative、rule、policy"),
    "validity": _code_name(
        "有效性（仅规章和行政规范性文件）：valid、expired、repealed；其他为 null", nullable=True
    ),
    "status": _string("published（已发布）或 withdrawn（已撤回）", enum=["published", "withdrawn"]),
}

PUBLICATION_DETAIL = {
    **PUBLICATION,
    "effective_on": _nullable_string("生效日期", format="date"),
    "expires_on": _nullable_string("失效日期", format="date"),
    "body_html": _nullable_string("正文（已净化的 HTML）；已撤回的信息为 null"),
    "body_text": _nullable_string("正文纯文本；已撤回的信息为 null"),
    "attachments": {
        "type": "array",
        "items": _ref("Attachment"),
        "description": "附件；已撤回的信息没有附件",
    },
    "catalog_items": {
        "type": "array",
        "items": _ref("FiledUnder"),
        "description": "对应的目录事项",
    },
    "withdrawn_at": _nullable_string("撤回时间；未撤回为 null", format="date-time"),
    "withdrawal_reason": _nullable_string("撤回原因；未撤回为 null"),
}

CATALOG = {
    "unit": _ref("UnitRef"),
    "version": _integer("目录版本（年度）"),
    "status": _code_name("目录状态：approved（审核通过）或 reported（已报市级）"),
    "approved_at": _nullable_string("审核通过时间", format="date-time"),
    "item_count": _integer("公开事项数"),
    "url": _string("本接口中该目录的地址", format="uri"),
    "html_url": _string("门户网站上该目录的页面", format="uri"),
}

_LABELS = dict(TEXT_ELEMENTS + OPTIONAL_ELEMENTS)
_TICK_LABELS = {name: f"{group}：{label}" for group, ticks in TICK_GROUPS for name, label in ticks}
CATALOG_ITEM = {
    "id": _integer("目录事项编号"),
    "lineage": _string("事项标识：同一事项在各年度目录中保持不变", format="uuid"),
    "domain": _ref("CodeName"),
    **{
        name: (
            {"type": "boolean", "description": f"{_TICK_LABELS[name]}（是否勾选）"}
            if name in _TICK_LABELS
            else _string(_LABELS[name])
        )
        for name in ELEMENT_FIELDS
    },
    "html_url": _string("门户网站上该事项的页面", format="uri"),
    "publications_url": _string("本事项下已发布的政府信息（含历年同一事项）", format="uri"),
}

UNIT = {
    "code": _string("单位代码"),
    "name": _string("单位名称"),
    "kind": _code_name(
        "单位类型：county、office、department、stationed、township、community、village"
    ),
    "parent": _nullable_string("上级单位代码"),
    "publication_count": _integer("已发布的政府信息数"),
    "publications_url": _string("该单位发布的政府信息", format="uri"),
    "catalog_url": _nullable_string("该单位公开的目录；尚无公开目录时为 null", format="uri"),
    "html_url": _string("门户网站上该单位的信息列表", format="uri"),
}

SCHEMAS: dict[str, JSON] = {
    "CodeName": CODE_NAME,
    "UnitRef": _object({"code": _string("单位代码"), "name": _string("单位名称")}),
    "Publication": _object(PUBLICATION, "政府信息（列表中的字段）"),
    "PublicationDetail": _object(PUBLICATION_DETAIL, "政府信息（详情）"),
    "Attachment": _object(
        {
            "name": _string("文件名"),
            "kind": _string("文件类型：pdf、ofd、doc、docx、xls、xlsx、jpg、png"),
            "size": _integer("大小（字节）"),
            "sha256": _string("SHA-256 校验值"),
            "url": _string("下载地址", format="uri"),
        }
    ),
    "FiledUnder": _object(
        {
            "level1": _string("一级事项"),
            "level2": _string("二级事项"),
            "html_url": _nullable_string(
                "该事项在单位现行目录中的页面；事项已不在公开目录中时为 null", format="uri"
            ),
        }
    ),
    "Catalog": _object(CATALOG, "单位的公开目录（现行版本）"),
    "CatalogDetail": _object(
        {
            **CATALOG,
            "items": {"type": "array", "items": _ref("CatalogItem"), "description": "公开事项"},
        },
        "单位的公开目录及全部事项",
    ),
    "CatalogItem": _object(CATALOG_ITEM, "公开事项及其全部要素"),
    "Unit": _object(UNIT, "单位"),
    "PublicationPage": _page_of("Publication", "政府信息"),
    "CatalogPage": _page_of("Catalog", "目录"),
    "UnitPage": _page_of("Unit", "单位"),
    "Error": _object({"detail": _string("错误说明")}, "错误"),
    "OpenAPI": _object(
        {
            "openapi": _string("OpenAPI 版本"),
            "info": {"type": "object", "description": "接口说明"},
            "paths": {"type": "object", "description": "接口路径"},
            "components": {"type": "object", "description": "数据结构"},
        },
        "本文档",
    ),
}


def _query(name: str, description: str, schema: JSON | None = None) -> JSON:
    # Every query parameter is optional and an empty value means "not given" (a form's blank
    # field), which the document must say for clients and schemathesis to expect a 200.
    return {
        "name": name,
        "in": "query",
        "required": False,
        "allowEmptyValue": True,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _path_param(name: str, description: str, schema: JSON) -> JSON:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


PAGING = [
    _query("page", "页码，从 1 开始", {"type": "integer", "minimum": 1, "default": 1}),
    _query(
        "page_size",
        "每页条数，默认 20；超过 100 的按 100 计",
        {"type": "integer", "minimum": 1, "default": 20},
    ),
]


def _response(schema: str, description: str) -> JSON:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _errors(*codes: int) -> dict[str, JSON]:
    texts = {400: "参数有误", 404: "不存在或未公开，或页码超出范围"}
    return {str(code): _response("Error", texts[code]) for code in codes}


def _get(
    operation: str, summary: str, description: str, parameters: list[JSON], schema: str
) -> JSON:
    return {
        "get": {
            "operationId": operation,
            "summary": summary,
            "description": description,
            "parameters": parameters,
            "responses": {"200": _response(schema, "成功"), **_errors(400, 404)},
        }
    }


def document() -> JSON:
    """The OpenAPI 3.1 document of the read API (paths are absolute from the site root)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "基层政务公开开放接口",
            "version": API_VERSION,
            "description": (
                "只读接口，提供已主动公开的政府信息、各单位现行公开目录和单位名录。"
                "无需账号，仅支持 GET；返回 JSON（UTF-8）。列表统一分页："
                "count（总数）、next、previous（相邻页的完整地址）、results（本页数据）。"
                "查询参数留空与不传相同。/api/ 下不存在的地址返回 404 和 JSON 错误说明。"
            ),
        },
        "paths": {
            "/api/publications/": _get(
                "listPublications",
                "政府信息列表",
                "已发布的政府信息，按发布时间从新到旧；带 q 时按相关度排序（文号完全一致的排在最前）。",
                [
                    *PAGING,
                    _query("q", "全文检索关键词（标题、正文、文号），一两个字也可检索"),
                    _query("unit", "发布单位代码"),
                    _query("domain", "公开领域代码"),
                    _query("column", "栏目代码（含下级栏目）"),
                    _query("five", "五公开类别", {"type": "string", "enum": FiveClass.values}),
                    _query(
                        "year",
                        "发布年份（四位数字），如 2024",
                        {"type": "integer", "minimum": 1000, "maximum": 9999},
                    ),
                    _query(
                        "catalog_item",
                        "目录事项编号：该事项（含历年目录中同一事项）下的信息",
                        {"type": "integer", "minimum": 1},
                    ),
                ],
                "PublicationPage",
            ),
            "/api/publications/{id}/": _get(
                "getPublication",
                "政府信息详情",
                "一条政府信息的元数据、正文和附件。已撤回的信息仍可查到，注明撤回时间和原因，不含正文和附件。",
                [_path_param("id", "政府信息编号", {"type": "integer"})],
                "PublicationDetail",
            ),
            "/api/catalogs/": _get(
                "listCatalogs",
                "公开目录列表",
                "各单位经县政务公开办审核通过的现行公开目录（每个在用单位最新的已审核或已报市级"
                "版本），按单位层级（县直部门、乡镇、村居）、上级单位和单位排序，分页返回；"
                "item_count 为该目录的公开事项数。逐个事项见 /api/catalogs/{unit}/。",
                PAGING,
                "CatalogPage",
            ),
            "/api/catalogs/{unit}/": _get(
                "getCatalog",
                "单位公开目录",
                "一个单位现行公开目录的全部事项及其全部要素（国家标准目录表的各列）。",
                [_path_param("unit", "单位代码", {"type": "string"})],
                "CatalogDetail",
            ),
            "/api/units/": _get(
                "listUnits",
                "单位名录",
                "在用的单位（县直部门、乡镇、村居等）及其已发布信息数，按组织机构顺序分页"
                "（每页默认 20 个，最多 100 个；全省数千个单位时请按 next 逐页读取，"
                "或用 parent 逐级读取下属单位）。",
                [
                    *PAGING,
                    _query("parent", "上级单位代码：只列该单位的直接下属单位（如乡镇下的村居）"),
                    _query("kind", "单位类型", {"type": "string", "enum": UnitKind.values}),
                    _query("name", "单位名称包含的文字，如 民政"),
                ],
                "UnitPage",
            ),
            "/api/openapi.json": _get(
                "getOpenAPI", "接口文档", "本 OpenAPI 3.1 文档。", [], "OpenAPI"
            ),
        },
        "components": {"schemas": SCHEMAS},
    }


@dataclass
class Field:
    """A row of the documentation page: a field or parameter, its type and meaning."""

    name: str
    type: str
    description: str
    required: bool = False


@dataclass
class Endpoint:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Field]
    response: str
    fields: list[Field]
    nested: list[tuple[str, list[Field]]] = field(default_factory=list)


def _type(schema: JSON) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "oneOf" in schema:
        return " | ".join(_type(option) for option in schema["oneOf"])
    kind = schema.get("type", "object")
    if kind == "array":
        return f"array<{_type(schema['items'])}>"
    text = " | ".join(kind) if isinstance(kind, list) else str(kind)
    if "format" in schema:
        text += f" ({schema['format']})"
    return text


def _fields(schema: JSON) -> list[Field]:
    required = set(schema.get("required", []))
    return [
        Field(name, _type(prop), prop.get("description", ""), name in required)
        for name, prop in schema.get("properties", {}).items()
    ]


def _referenced(schema: JSON, schemas: dict[str, JSON], seen: set[str]) -> list[str]:
    """Names of the schemas a schema refers to, depth first, each once."""
    names: list[str] = []
    for prop in schema.get("properties", {}).values():
        for candidate in (prop, prop.get("items", {}), *prop.get("oneOf", [])):
            ref = candidate.get("$ref", "")
            name = ref.rsplit("/", 1)[-1]
            if name and name not in seen:
                seen.add(name)
                names.append(name)
                names += _referenced(schemas[name], schemas, seen)
    return names


def endpoints(doc: JSON) -> list[Endpoint]:
    """Every operation of the document, with its parameters and the fields of its answer."""
    schemas: dict[str, JSON] = doc["components"]["schemas"]
    found = []
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            name = ref.rsplit("/", 1)[-1]
            nested = _referenced(schemas[name], schemas, {name})
            found.append(
                Endpoint(
                    method=method.upper(),
                    path=path,
                    summary=operation["summary"],
                    description=operation["description"],
                    parameters=[
                        Field(
                            p["name"],
                            f"{p['in']} · {_type(p['schema'])}",
                            p["description"],
                            p["required"],
                        )
                        for p in operation["parameters"]
                    ],
                    response=name,
                    fields=_fields(schemas[name]),
                    nested=[(n, _fields(schemas[n])) for n in nested],
                )
            )
    return found
