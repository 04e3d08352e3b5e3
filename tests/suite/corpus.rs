//! The bad-input corpus (`tests/corpus/*.toml`, each with an `# expect:` line) and generated
//! hostile inputs: the right exit code, a message naming the file and field, no panic, and no
//! output file unless the render succeeded.

use crate::common::*;

use std::path::Path;

fn run(args: &[&str]) -> (i32, String) {
    let (code, _, stderr) = run_jixiao(args);
    (code, stderr)
}

struct Expect {
    exit: i32,
    code: Option<String>,
    field: Option<String>,
}

fn expectation(text: &str) -> Expect {
    let line = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# expect:"))
        .expect("# expect: line");
    let mut e = Expect {
        exit: -1,
        code: None,
        field: None,
    };
    for part in line.split_whitespace() {
        match part.split_once('=') {
            Some(("exit", v)) => e.exit = v.parse().unwrap(),
            Some(("code", v)) => e.code = Some(v.into()),
            Some(("field", v)) => e.field = Some(v.into()),
            _ => panic!("bad expect part {part}"),
        }
    }
    e
}

#[test]
fn corpus() {
    let mut files: Vec<_> = std::fs::read_dir("tests/corpus")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 40, "at least 40 corpus files");
    let out = Folder::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let e = expectation(&text);
        let pdf = out.path().join("out.pdf");
        let _ = std::fs::remove_file(&pdf);
        let (code, stderr) = run(&[
            "render",
            file.to_str().unwrap(),
            "-o",
            pdf.to_str().unwrap(),
        ]);
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(code, e.exit, "{name}: {stderr}");
        assert_eq!(
            pdf.exists(),
            code == 0,
            "{name}: output must exist exactly when the render succeeded"
        );
        if let Some(c) = &e.code {
            // The code exists, and a code that makes the file unreadable exits with 2.
            let known = jixiao::problem::Code::from_id(c)
                .unwrap_or_else(|| panic!("{name}: no problem code {c}"));
            if known.is_fatal() {
                assert_eq!(e.exit, 2, "{name}: {c} exits with 2");
            }
            assert!(
                stderr.contains(&format!("[{c}]")),
                "{name}: no {c} in {stderr}"
            );
            assert!(stderr.contains(&name), "{name}: file not named in {stderr}");
        }
        if let Some(f) = &e.field {
            assert!(
                stderr.contains(f.as_str()),
                "{name}: field {f} not named in {stderr}"
            );
        }
        if code != 0 && e.code.as_deref() != Some("toml-syntax") {
            assert!(
                stderr.contains(&format!("{name}:")),
                "{name}: no file:line in {stderr}"
            );
        }
    }
}

#[test]
fn huge_inputs() {
    let folder = Folder::new();
    // A 1 MB project name: checked and rendered without trouble (it wraps over many pages).
    let big = project(
        "",
        "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90",
    )
    .replace(
        "name = \"测试项目\"",
        &format!("name = \"{}\"", "长".repeat(350_000)),
    );
    let input = folder.write("big.toml", &big);
    let (code, stderr) = run(&["check", input.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    // 10 000 indicators: weights do not add up to 100 → refused quickly with one weights-sum.
    let mut many = project(
        "",
        "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 1",
    );
    for i in 0..10_000 {
        many.push_str(&format!("[[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"质量指标\"\nname = \"指标{i}\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 1\n"));
    }
    let input = folder.write("many.toml", &many);
    let pdf = folder.path().join("many.pdf");
    let (code, stderr) = run(&[
        "render",
        input.to_str().unwrap(),
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(stderr.contains("weights-sum") && !pdf.exists(), "{stderr}");
}

#[test]
fn paths_that_do_not_work() {
    let folder = Folder::new();
    let (code, stderr) = run(&["check", "/nonexistent/x.toml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("/nonexistent/x.toml"));
    let (code, stderr) = run(&["render", "/nonexistent/x.toml"]);
    assert_eq!(code, 2, "{stderr}");
    // Not UTF-8.
    let gbk = folder.path().join("gbk.toml");
    std::fs::write(&gbk, [0x79, 0x65, 0x61, 0x72, 0x20, 0x3d, 0x20, 0xc4, 0xea]).unwrap();
    let (code, stderr) = run(&["check", gbk.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("UTF-8") && stderr.contains("gbk.toml"),
        "{stderr}"
    );
    // Output in a missing folder: exit 2, nothing written anywhere.
    let good = folder.write(
        "good.toml",
        &project(
            "",
            "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90",
        ),
    );
    let (code, stderr) = run(&[
        "render",
        good.to_str().unwrap(),
        "-o",
        folder.path().join("missing/out.pdf").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing"), "{stderr}");
    // A folder nobody can write to, not even root (/proc): exit 2, the message names the path.
    let (code, stderr) = run(&[
        "render",
        good.to_str().unwrap(),
        "-o",
        "/proc/jixiao-out.pdf",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("/proc/jixiao-out.pdf"), "{stderr}");
    // Several inputs need an existing folder as -o (the same file twice is one project).
    let other = folder.path().join("other.toml");
    std::fs::copy(&good, &other).unwrap();
    let (code, _) = run(&[
        "render",
        good.to_str().unwrap(),
        other.to_str().unwrap(),
        "-o",
        folder.path().join("x.pdf").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
}

/// A user form folder whose template is `body`.
fn user_form(dir: &Path, body: &str) {
    let form = dir.join("evil");
    std::fs::create_dir_all(&form).unwrap();
    let toml = std::fs::read_to_string("templates/mof-2020/form.toml")
        .unwrap()
        .replace("id = \"mof-2020\"", "id = \"evil\"");
    std::fs::write(form.join("form.toml"), toml).unwrap();
    std::fs::write(form.join("form.typ"), body).unwrap();
}

#[test]
fn hostile_user_templates() {
    for (body, what) in [
        ("#let form(data) = read(\"/etc/passwd\")\n", "/etc/passwd"),
        (
            "#let form(data) = read(\"../../../../etc/passwd\")\n",
            "passwd",
        ),
        (
            "#import \"@preview/tablex:0.0.8\": *\n#let form(data) = []\n",
            "preview",
        ),
        ("#let form(data) = { undefined-function() }\n", "form.typ"),
        ("#let form(data) = [\n", "form.typ"),
    ] {
        let folder = Folder::new();
        user_form(&folder.path().join("forms"), body);
        let input = folder.write(
            "p.toml",
            &project(
                "form = \"evil\"",
                "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90",
            ),
        );
        let pdf = folder.path().join("p.pdf");
        let templates = folder.path().join("forms");
        let (code, stderr) = run(&[
            "render",
            input.to_str().unwrap(),
            "--templates",
            templates.to_str().unwrap(),
            "-o",
            pdf.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{body}: {stderr}");
        assert!(stderr.contains(what), "{body}: {stderr}");
        assert!(!stderr.contains("root:x:0"), "leaked /etc/passwd");
        assert!(!pdf.exists());
    }
}

/// `jixiao ARGS`, failing the test if it is still running after `secs` seconds (a read that
/// blocks on a pipe would otherwise hang the test run).
fn run_within(args: &[&str], secs: u64) -> (i32, String) {
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("stderr");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let stderr = std::fs::read_to_string(&log).unwrap();
            assert!(!stderr.contains("panicked"), "panic: {stderr}");
            return (status.code().unwrap_or(-1), stderr);
        }
        if start.elapsed() > std::time::Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("jixiao {} blocked for {secs} s", args.join(" "));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Issue 16: what is not a regular file is refused without being opened, never read until it
/// blocks — a pipe read by a user template, a pipe among the fonts, `--font-path /proc` — and a
/// font collection cannot claim more faces than its size holds.
#[test]
#[cfg(unix)]
fn pipes_among_templates_and_fonts_are_refused_at_once() {
    let mkfifo = |p: &Path| {
        assert!(
            std::process::Command::new("mkfifo")
                .arg(p)
                .status()
                .unwrap()
                .success()
        )
    };
    let folder = Folder::new();
    let templates = folder.path().join("forms");
    user_form(
        &templates,
        "#import \"/common.typ\": *\n#let form(data) = [#read(\"pipe.txt\") #standard-form(data)]\n",
    );
    mkfifo(&templates.join("evil/pipe.txt"));
    let input = folder.write(
        "p.toml",
        &project(
            "form = \"evil\"",
            "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90",
        ),
    );
    let pdf = folder.path().join("p.pdf");
    let (input, pdf) = (input.to_str().unwrap(), pdf.to_str().unwrap());
    let (code, stderr) = run_within(
        &[
            "render",
            input,
            "--templates",
            templates.to_str().unwrap(),
            "-o",
            pdf,
        ],
        20,
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("pipe.txt") && stderr.contains("不是普通文件"),
        "{stderr}"
    );

    let plain = folder.write(
        "plain.toml",
        &project(
            "",
            "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90",
        ),
    );
    let input = plain.to_str().unwrap();
    let fonts = folder.path().join("fonts");
    std::fs::create_dir(&fonts).unwrap();
    mkfifo(&fonts.join("a.ttf"));
    let (code, stderr) = run_within(
        &[
            "render",
            input,
            "--font-path",
            fonts.to_str().unwrap(),
            "-o",
            pdf,
        ],
        20,
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("a.ttf") && stderr.contains("不是普通文件"),
        "{stderr}"
    );
    std::fs::remove_file(fonts.join("a.ttf")).unwrap();

    let (code, stderr) = run_within(&["render", input, "--font-path", "/proc", "-o", pdf], 20);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("超过 20000 个"), "{stderr}");

    // 76 bytes: "ttcf", version 1.0, 2³²−1 faces, no room for their offsets.
    let mut ttc = b"ttcf\0\x01\0\0\xff\xff\xff\xff".to_vec();
    ttc.resize(76, 0);
    std::fs::write(fonts.join("many.ttc"), ttc).unwrap();
    let started = std::time::Instant::now();
    let (code, stderr) = run_within(
        &[
            "render",
            input,
            "--font-path",
            fonts.to_str().unwrap(),
            "-o",
            pdf,
        ],
        20,
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(Path::new(pdf).exists());
}

/// Issue 16: a user form.toml that lists a level twice (every such indicator printed twice) or
/// names a fund row or 一级 the model does not know is the form's error, with its own file and
/// line — not accepted and blamed later on the project.
#[test]
fn user_form_definitions_are_validated_where_they_are_written() {
    let base = std::fs::read_to_string("templates/mof-2020/form.toml").unwrap();
    let doubled = base.replacen(
        "level2 = [\"数量指标\", \"质量指标\", \"时效指标\", \"成本指标\"]",
        "level2 = [\"数量指标\", \"质量指标\", \"时效指标\", \"成本指标\", \"数量指标\"]",
        1,
    );
    let unknown_row = base.replacen("key = \"other\"", "key = \"others\"", 1);
    let unknown_level1 = base.replacen("name = \"效益指标\"", "name = \"效果指标\"", 1);
    for (text, words) in [
        (doubled, "二级指标“数量指标”在“产出指标”下写了两次"),
        (unknown_row, "fund_rows 的 key“others”不是资金行"),
        (unknown_level1, "一级指标“效果指标”不是规范名称"),
    ] {
        assert_ne!(text, base);
        let line = text
            .lines()
            .position(|l| l.contains("\"数量指标\"]") || l.contains("others") || l.contains("效果"))
            .unwrap()
            + 1;
        let folder = Folder::new();
        let templates = folder.path().join("forms");
        user_form(
            &templates,
            "#import \"/common.typ\": *\n#let form(data) = standard-form(data)\n",
        );
        std::fs::write(
            templates.join("evil/form.toml"),
            text.replace("id = \"mof-2020\"", "id = \"evil\""),
        )
        .unwrap();
        let input = folder.write(
            "p.toml",
            &project(
                "form = \"evil\"",
                "level2 = \"数量指标\"\nname = \"a\"\ntarget = \"≥1\"\nactual = \"1\"\nweight = 90",
            ),
        );
        let (code, stderr) = run(&[
            "check",
            input.to_str().unwrap(),
            "--templates",
            templates.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains("evil/form.toml")
                && stderr.contains(&format!("第 {line} 行"))
                && stderr.contains(words),
            "{stderr}"
        );
        assert!(!stderr.contains("p.toml"), "not the project's: {stderr}");
    }
}
