use std::sync::OnceLock;

use super::*;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::new(EngineOptions {
            today: Some((2024, 3, 31)),
            ..Default::default()
        })
        .unwrap()
    })
}

/// A small data document in the shape of templates/README.md.
fn small_doc(name: &str) -> Vec<u8> {
    serde_json::json!({
        "form": "mof-2020", "title": "项目支出绩效自评表",
        "labels": {}, "draft": false, "year": "2021", "unit": "万元",
        "project": { "name": name, "department": "某局", "department_code": "",
                     "implementer": "某中心", "implementer_code": "", "serial": "" },
        "funds": { "weight": "10", "rate": "78.44", "score": "7.84", "rows": [
            { "key": "total", "label": "年度资金总额", "initial": "70", "budget": "70", "executed": "54.91", "rate": "78.44" },
            { "key": "fiscal", "label": "其中：当年财政拨款", "initial": "70", "budget": "70", "executed": "54.91", "rate": "78.44" }
        ]},
        "goals": { "planned": "预期", "achieved": "完成" },
        "groups": [
            { "level1": "产出指标", "weight": "90", "count": 1, "level2": [
                { "name": "数量指标", "indicators": [
                    { "name": "档案机要邮寄数量", "target": "≥800", "actual": "832", "weight": "90",
                      "score": "90", "reason": "", "applicable": true } ] },
                { "name": "质量指标", "indicators": [] } ] }
        ],
        "indicator_weight": "90",
        "total": { "weight": "100", "score": "97.84" },
        "grade": "优",
        "signature": { "filler": "", "phone": "", "date": "", "leader": "" }
    })
    .to_string()
    .into_bytes()
}

/// Text of all pages with run separators removed.
fn all_text(c: &Compiled) -> String {
    (0..c.page_count())
        .map(|p| c.page_text(p))
        .collect::<String>()
        .replace('\u{1f}', "")
}

#[test]
fn compiles_small_doc() {
    let c = engine()
        .compile_form("mof-2020", &small_doc("流动人员档案管理经费"))
        .unwrap();
    assert_eq!(c.page_count(), 1);
    let text = all_text(&c);
    for needle in [
        "项目支出绩效自评表",
        "（2021年度）",
        "流动人员档案管理经费",
        "78.44%",
        "档案机要邮寄数量",
        "总分",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in {text}");
    }
    assert!(
        !text.contains("质量指标"),
        "empty 二级 groups are omitted on mof-2020"
    );
}

#[test]
fn every_builtin_form_compiles() {
    let forms = engine().forms();
    let ids: Vec<_> = forms.iter().map(|f| f.id.as_str()).collect();
    for id in [
        "mof-2020",
        "inner-mongolia",
        "beijing",
        "xinjiang",
        "shanghai",
        "chongqing",
    ] {
        assert!(ids.contains(&id), "built-in form {id} missing: {ids:?}");
        let c = engine().compile_form(id, &small_doc("测试项目")).unwrap();
        assert!(c.warnings().is_empty(), "{id}: {:?}", c.warnings());
        assert!(
            forms
                .iter()
                .find(|f| f.id == id)
                .unwrap()
                .toml
                .contains(&format!("id = \"{id}\""))
        );
    }
}

#[test]
fn pdf_is_deterministic() {
    let meta = PdfMeta {
        title: "流动人员档案管理经费".into(),
        author: "某中心".into(),
        date: Some((2022, 3, 1)),
        pdfa: false,
    };
    let a = to_pdf(
        &engine()
            .compile_form("mof-2020", &small_doc("流动人员档案管理经费"))
            .unwrap(),
        &meta,
    )
    .unwrap();
    let b = to_pdf(
        &engine()
            .compile_form("mof-2020", &small_doc("流动人员档案管理经费"))
            .unwrap(),
        &meta,
    )
    .unwrap();
    assert!(a.starts_with(b"%PDF-"));
    assert!(a == b, "two renders of the same input differ");
}

#[test]
fn pdfa_needs_and_uses_a_date() {
    let c = engine().compile_form("mof-2020", &small_doc("x")).unwrap();
    let pdf = to_pdf(
        &c,
        &PdfMeta {
            title: "x".into(),
            pdfa: true,
            ..Default::default()
        },
    )
    .unwrap();
    // engine `today` (2024-03-31) is the fallback date
    assert!(String::from_utf8_lossy(&pdf).contains("2024-03-31"));
    let no_date = Engine::new(EngineOptions::default()).unwrap();
    let c = no_date.compile_form("mof-2020", &small_doc("x")).unwrap();
    assert!(matches!(
        to_pdf(
            &c,
            &PdfMeta {
                pdfa: true,
                ..Default::default()
            }
        ),
        Err(RenderError::PdfaNeedsDate)
    ));
}

#[test]
fn hostile_text_prints_literally() {
    let hostile = r#"#panic("x") $a$ *b* \ ]"#;
    let c = engine()
        .compile_form("mof-2020", &small_doc(hostile))
        .unwrap();
    let text = all_text(&c);
    // layout may split runs at spaces; compare without whitespace
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert!(squash(&text).contains(&squash(hostile)), "{text}");
}

#[test]
fn unknown_and_invalid_form_ids() {
    assert!(matches!(
        engine().compile_form("../etc", &small_doc("x")),
        Err(RenderError::InvalidFormId(_))
    ));
    assert!(matches!(
        engine().compile_form("nope", &small_doc("x")),
        Err(RenderError::UnknownForm { .. })
    ));
    assert!(matches!(
        engine().compile_form("mof-2020", b"{"),
        Err(RenderError::Data(_))
    ));
}

fn user_form(dir: &std::path::Path, id: &str, typ: &str) {
    let f = dir.join(id);
    std::fs::create_dir_all(&f).unwrap();
    std::fs::write(f.join("form.toml"), format!("id = \"{id}\"\n")).unwrap();
    std::fs::write(f.join("form.typ"), typ).unwrap();
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("jixiao-render-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn missing_path_is_an_error_with_location() {
    let dir = temp_dir("missing");
    user_form(
        &dir,
        "bad",
        "#import \"/common.typ\": *\n\n#let form(data) = include \"/etc/passwd\"\n",
    );
    user_form(&dir, "bad2", "#let form(data) = read(\"nothere.txt\")\n");
    let e = Engine::new(EngineOptions {
        template_dirs: vec![dir.clone()],
        ..Default::default()
    })
    .unwrap();
    for (id, line) in [("bad", 3), ("bad2", 1)] {
        match e.compile_form(id, &small_doc("x")) {
            Err(RenderError::Typst { errors, .. }) => {
                let d = &errors[0];
                assert!(d.message.contains("not found"), "{d}");
                let loc = d.location.as_ref().expect("location");
                assert!(loc.file.ends_with(&format!("{id}/form.typ")), "{loc}");
                assert_eq!(loc.line, line, "{d}");
            }
            other => panic!("expected a Typst error, got {:?}", other.map(|_| ())),
        }
    }
    // a user form may import built-in forms and its own files by path
    user_form(
        &dir,
        "ok",
        "#import \"/forms/mof-2020/form.typ\": form as base\n#let form(data) = base(data)\n",
    );
    let e = Engine::new(EngineOptions {
        template_dirs: vec![dir.clone()],
        ..Default::default()
    })
    .unwrap();
    e.compile_form("ok", &small_doc("x")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn package_imports_are_refused() {
    let dir = temp_dir("pkg");
    user_form(
        &dir,
        "pkg",
        "#import \"@preview/tablex:0.0.8\": *\n#let form(data) = []\n",
    );
    let e = Engine::new(EngineOptions {
        template_dirs: vec![dir.clone()],
        ..Default::default()
    })
    .unwrap();
    match e.compile_form("pkg", &small_doc("x")) {
        Err(RenderError::Typst { errors, .. }) => {
            let msg = errors[0].to_string();
            assert!(
                msg.contains("jixiao") && msg.contains("@preview/tablex"),
                "{msg}"
            );
            assert_eq!(errors[0].location.as_ref().unwrap().line, 1);
        }
        other => panic!("expected refusal, got {:?}", other.map(|_| ())),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn user_forms_override_builtins() {
    let dir = temp_dir("override");
    user_form(&dir, "beijing", "#let form(data) = [用户表样]\n");
    let e = Engine::new(EngineOptions {
        template_dirs: vec![dir.clone()],
        ..Default::default()
    })
    .unwrap();
    let f = e.forms().into_iter().find(|f| f.id == "beijing").unwrap();
    assert!(f.overrides_builtin && matches!(f.origin, FormOrigin::Dir(_)));
    let c = e.compile_form("beijing", &small_doc("x")).unwrap();
    assert!(all_text(&c).contains("用户表样"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn today_is_fixed_not_wall_clock() {
    let dir = temp_dir("today");
    user_form(
        &dir,
        "day",
        "#let form(data) = [#datetime.today().display()]\n",
    );
    let e = Engine::new(EngineOptions {
        template_dirs: vec![dir.clone()],
        today: Some((2021, 12, 31)),
        ..Default::default()
    })
    .unwrap();
    assert!(all_text(&e.compile_form("day", &small_doc("x")).unwrap()).contains("2021-12-31"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_glyphs_reports_uncovered_chars() {
    let e = engine();
    assert!(
        e.missing_glyphs("流动人员档案 2.52万元 ≥90% （）—")
            .is_empty(),
        "{:?}",
        e.missing_glyphs("流动人员档案 2.52万元 ≥90% （）—")
    );
    // U+E000 is a private-use code point no shipped font covers; whitespace is ignored
    assert_eq!(e.missing_glyphs("a\u{E000} \t\n\u{E000}"), vec!['\u{E000}']);
}

/// Every symbol the forms print (the seeds' and examples' ≥ ≤ ＞ ＜ ％ ‰ ° ± × ÷ ㎡ → ① …) has a
/// glyph in the embedded fonts: the Latin face covers ASCII and ≥ ≤ only, the rest falls back.
#[test]
fn every_form_symbol_has_a_glyph() {
    let symbols = "≥≤＞＜＝％‰°±×÷㎡℃→·—–…“”‘’、。，；：？！（）【】《》〔〕①②③④ⅠⅡ㈠№￥\
                   0123456789.%/+-=<>()ABCXYZabcxyz";
    assert_eq!(engine().missing_glyphs(symbols), Vec::<char>::new());
}

/// The families `common.typ` names in its font lists (`#let font-… = ("…", …)`) are all
/// registered: a wrong name would silently fall back to the next family.
#[test]
fn font_families_used_by_common_typ_are_registered() {
    let families: Vec<_> = engine()
        .fonts()
        .iter()
        .map(|f| f.family.to_lowercase())
        .collect();
    let common = std::str::from_utf8(TEMPLATES.get_file("common.typ").unwrap().contents()).unwrap();
    let mut named = vec![];
    for line in common.lines().filter(|l| l.starts_with("#let font-")) {
        let list = &line[line.find('(').unwrap() + 1..line.rfind(')').unwrap()];
        named.extend(
            list.split(',')
                .map(|f| f.trim().trim_matches('"').to_lowercase()),
        );
    }
    assert!(
        named.contains(&"jixiao latin serif".to_string()),
        "{named:?}"
    );
    assert!(named.len() >= 7, "{named:?}");
    for fam in named {
        assert!(families.contains(&fam), "{fam} not among {families:?}");
    }
}

#[test]
fn long_form_breaks_pages_and_repeats_header() {
    let mut doc: serde_json::Value = serde_json::from_slice(&small_doc("长表")).unwrap();
    let inds: Vec<_> = (0..200)
        .map(|i| {
            serde_json::json!({ "name": format!("指标{i}"), "target": "≥1", "actual": "1",
            "weight": "0.45", "score": "0.45", "reason": "", "applicable": true })
        })
        .collect();
    doc["groups"][0]["level2"][0]["indicators"] = serde_json::Value::Array(inds);
    let c = engine()
        .compile_form("mof-2020", doc.to_string().as_bytes())
        .unwrap();
    assert!(c.page_count() >= 4, "{} pages", c.page_count());
    for p in 1..c.page_count() {
        assert!(
            c.page_text(p).contains("三级指标"),
            "header not repeated on page {}",
            p + 1
        );
    }
    assert!(all_text(&c).contains("指标199"));
}

#[test]
fn bundle_compiles_with_outline() {
    let bundle =
        serde_json::json!({ "title": "2021年度项目支出绩效自评表汇编", "department": "某局",
        "date": "2022年3月", "page_numbers": true,
        "projects": [{ "name": "甲", "implementer": "某中心", "budget": "70", "executed": "54.91",
                       "rate": "78.44", "score": "94.6", "grade": "优" }],
        "totals": { "budget": "70", "executed": "54.91", "rate": "78.44" } })
        .to_string();
    let a = small_doc("项目甲");
    let b = small_doc("项目乙");
    let c = engine()
        .compile_bundle(
            bundle.as_bytes(),
            &[
                BundleItem {
                    form_id: "mof-2020",
                    data_json: &a,
                },
                BundleItem {
                    form_id: "inner-mongolia",
                    data_json: &b,
                },
            ],
        )
        .unwrap();
    assert!(c.page_count() >= 4);
    let text = all_text(&c);
    assert!(text.contains("项目甲") && text.contains("项目乙") && text.contains("共"));
    let pdf = to_pdf(
        &c,
        &PdfMeta {
            title: "汇编".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(String::from_utf8_lossy(&pdf).contains("/Outlines"));
}
