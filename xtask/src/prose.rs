//! The prose of a benchmark report: as long and as dense as real ones
//! (4,000–6,000 Chinese characters over the six sections), with the shapes
//! rules look at — counts, percentages, dates, 《》 titles, 「」 quotes — and
//! every figure consistent with the report's own tables, so that a correct
//! report gives no finding.
//!
//! What keeps it correct, rule by rule: counts of applications, reviews,
//! suits and normative documents are the tables' (TXT-NUMBERS); every
//! percentage is a part of a count written before it in the paragraph
//! (NUM-PERCENT); each sentence is used once per report (TXT-DUPLICATE);
//! years are the report year, last year only beside 上年/整改 (TXT-STALEYEAR,
//! TXT-RECTIFY); no 「全省」「全市」 (TXT-SCOPE); full-width punctuation
//! (TXT-PUNCT); section 一 covers the five aspects (TXT-ASPECTS); section 六
//! states the information-processing fee (TXT-FEE); a people's government
//! states assessment, appraisal and accountability (TXT-GOVREVIEW).

use crate::rng::Rng;

/// What the prose states, taken from the report's tables and metadata.
pub struct Facts<'a> {
    pub agency: &'a str,
    /// The place the agency belongs to (「洮南市」, 「镇赉县」).
    pub place: &'a str,
    pub province: &'a str,
    pub year: u64,
    pub government: bool,
    /// Table 三 totals: new, carried over, natural persons' new, result total,
    /// disclosed, partly disclosed, carried forward.
    pub new: u64,
    pub carried_over: u64,
    pub natural_new: u64,
    pub result_total: u64,
    pub disclosed: u64,
    pub partial: u64,
    pub carried_forward: u64,
    pub no_fee: u64,
    /// Table 四: reviews, suits (direct + after review).
    pub reviews: u64,
    pub suits: u64,
    /// Table 二: normative documents issued, abolished, in force.
    pub normative: [u64; 3],
}

/// One paragraph: its text and, for a sub-heading of automatically
/// numbered files, the numbering level.
pub struct Para {
    pub text: String,
    pub sub: bool,
}

/// `part / whole` as a percentage, with one decimal unless whole.
fn pct(part: u64, whole: u64) -> String {
    let v = part as f64 * 100.0 / whole.max(1) as f64;
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as u64)
    } else {
        format!("{v:.1}")
    }
}

fn shuffle<T>(rng: &mut Rng, v: &mut [T]) {
    for i in (1..v.len()).rev() {
        v.swap(i, rng.below(i as u64 + 1) as usize);
    }
}

/// `count` sentences of `pool` in a random order, each at most once.
fn some(rng: &mut Rng, pool: &[&str], count: usize) -> String {
    let mut v: Vec<&str> = pool.to_vec();
    shuffle(rng, &mut v);
    v.truncate(count);
    v.concat()
}

const ORDINALS: [&str; 6] = ["一", "二", "三", "四", "五", "六"];

/// A sub-heading 「（一）主动公开」, either on its own line or leading the
/// paragraph (「（一）主动公开。全年……」), as writers do both.
fn sub(rng: &mut Rng, out: &mut Vec<Para>, n: usize, head: &str, body: Vec<String>) {
    let label = ORDINALS[n % 6];
    if rng.chance(50) {
        out.push(Para {
            text: format!("（{label}）{head}"),
            sub: true,
        });
        out.extend(body.into_iter().map(|text| Para { text, sub: false }));
    } else {
        let mut it = body.into_iter();
        let first = it.next().unwrap_or_default();
        out.push(Para {
            text: format!("（{label}）{head}。{first}"),
            sub: true,
        });
        out.extend(it.map(|text| Para { text, sub: false }));
    }
}

const OPENING: &[&str] = &[
    "坚持以人民为中心的发展思想，把政务公开作为建设法治政府、服务型政府的重要抓手，持续推进决策、执行、管理、服务、结果公开。",
    "围绕中心工作和群众关切，进一步拓展公开广度和深度，政府信息公开的质量和实效稳步提高。",
    "主要负责同志多次听取政务公开工作汇报，研究解决工作中遇到的困难和问题，确保各项任务落到实处。",
    "对照年度工作任务清单逐项推进，明确责任科室和完成时限，形成了主要领导亲自抓、分管领导具体抓、业务科室协同抓的工作格局。",
    "以公开促落实、以公开促规范、以公开促服务，有效保障了人民群众的知情权、参与权、表达权和监督权。",
    "年初即制定印发本机关政务公开工作实施方案，将年度任务分解为具体事项，逐月调度推进情况。",
    "把政务公开与优化营商环境、推进依法行政等重点工作统筹谋划、一体推进，公开工作的系统性不断增强。",
];

const ACTIVE: &[&str] = &[
    "围绕重大决策部署、重点改革任务和重大项目建设，及时发布政策措施、工作进展和落实成效。",
    "聚焦「放管服」改革和「一网通办」，公开政务服务事项办事指南，做到要素齐全、标准统一、动态更新。",
    "财政预算决算和「三公」经费信息按规定时限在门户网站公开，并对公开内容作出说明。",
    "重大行政决策事项在决策前向社会公开征求意见，公开意见采纳情况并说明理由。",
    "规范性文件在门户网站统一发布，同步提供文本下载和配套解读，方便群众查阅。",
    "行政许可、行政处罚等执法信息在作出决定之日起七个工作日内依法公开，接受社会监督。",
    "突发事件应对、安全生产、食品药品安全等信息及时准确发布，主动回应社会关切。",
    "人事任免、招考录用、表彰奖励等信息按规定公开，保障公众的知情权和监督权。",
    "坚持政策文件与解读材料同步组织、同步审签、同步部署，主要负责同志带头解读重要政策。",
    "通过在线访谈、政策吹风会、图文解读、短视频等形式，把政策讲清楚、讲明白。",
    "围绕教育、医疗、养老、就业等民生领域，集中公开补贴政策、办事流程和服务网点信息。",
    "在涉及群众切身利益的政策出台前，通过门户网站和座谈会广泛听取意见，并及时反馈采纳情况。",
    "对社会关注度高的热点问题，第一时间通过权威渠道发布信息，澄清不实传言，稳定社会预期。",
    "按季度公开重点项目的建设进度和资金使用情况，让群众看得到、看得懂、能监督。",
    "对照标准目录逐项检查公开内容，补充完善了一批公开要素不全的信息。",
    "在门户网站开设惠企政策专栏，集中发布各类扶持政策和申报指南，便于企业一站式查询。",
];

const KEY_AREAS: &[&str] = &[
    "在义务教育领域，公开学校招生范围、招生计划和入学条件，及时发布学生资助政策和资助名单。",
    "在医疗卫生领域，公开医疗机构执业信息、医疗服务价格和医保报销政策，方便群众就医。",
    "在就业创业领域，集中发布招聘信息、职业培训计划和创业扶持政策，全年举办线上线下招聘会多场。",
    "在社会救助领域，公开低保、特困供养、临时救助的申请条件、办理程序和救助标准。",
    "在生态环境领域，公开环境质量状况、建设项目环评审批结果和环境违法案件查处情况。",
    "在公共资源配置领域，公开工程建设项目招标投标、政府采购和国有土地使用权出让信息。",
    "在安全生产领域，公开安全生产责任清单、隐患排查治理情况和事故调查处理结果。",
    "在乡村振兴领域，公开衔接资金项目安排、资金拨付和项目实施情况，接受群众监督。",
    "在食品药品领域，公开抽检结果和不合格产品处置情况，督促生产经营者落实主体责任。",
];

const MANAGE: &[&str] = &[
    "严格落实政府信息公开保密审查制度，坚持「先审查、后公开」和「一事一审」原则，全年未发生泄密事件。",
    "健全信息发布协调机制，涉及其他机关的政府信息在公开前进行沟通确认，确保发布的信息准确一致。",
    "按照国务院部门制定的基层政务公开标准指引，编制并动态调整本机关政务公开事项标准目录。",
    "对历年发布的政府信息进行全面梳理，对已失效、已废止的文件加注标识，及时清理过时信息。",
    "规范政府信息公开申请的登记、审核、办理、答复、归档等环节，全程留痕，做到件件有回音。",
    "依申请公开答复文书统一使用规范模板，载明法律依据和救济途径，答复的规范性明显增强。",
    "建立政府信息公开属性源头认定机制，公文在起草时即明确公开属性，不予公开的说明理由。",
    "组织对门户网站发布的信息开展常态化检查，发现错别字、链接失效等问题当即整改。",
    "建立公开内容定期审核机制，每季度对已公开信息的准确性和时效性进行一次全面复核。",
    "对拟公开信息中涉及个人隐私的内容作去标识化处理，防止因公开不当侵害当事人合法权益。",
    "完善政府信息管理台账，对主动公开、依申请公开和不予公开的信息分类登记，做到底数清楚。",
    "推进政府信息资源规范化管理，统一文件编号、发布格式和归档要求。",
];

const PLATFORM: &[&str] = &[
    "持续优化门户网站政府信息公开专栏，按照统一的栏目设置规范调整栏目，提高了信息检索的便利性。",
    "加强政务新媒体建设管理，严格执行信息发布审核制度，对长期不更新的账号予以清理整合。",
    "在政务服务大厅设置政府信息公开查阅点，配备专人提供查阅、咨询、打印等服务。",
    "利用政务公开栏、电子显示屏等传统载体，在村（社区）公开与群众切身利益相关的信息。",
    "推进政府网站集约化建设，网站内容统一纳入集约化平台管理，网站安全防护能力进一步提升。",
    "开通智能问答服务，群众可通过网站和公众号随时查询办事指南和政策文件。",
    "畅通政府信息公开申请渠道，提供当面提交、邮政寄送、网上申请等多种方式。",
    "按照政府网站与政务新媒体检查指标要求开展自查，网站内容更新、互动回应等指标均达到要求。",
    "推动政务服务网与门户网站数据互联互通，实现政策文件与办事服务相互关联、一键直达。",
    "在门户网站设置无障碍浏览和适老化服务功能，方便老年人和残障人士获取政府信息。",
];

const OVERSIGHT: &[&str] = &[
    "把政务公开纳入干部教育培训内容，新入职人员上岗前均接受政务公开业务培训。",
    "将政务公开工作纳入年度绩效考核，考核结果作为评价科室工作的重要依据。",
    "邀请人大代表、政协委员和群众代表参与社会评议，对评议中提出的意见建议逐条研究办理。",
    "建立政务公开工作督查通报制度，对工作推进不力的科室及时督促整改。",
    "对工作中出现的问题严格落实责任追究，全年未发生需要追究责任的情形。",
    "加强政务公开工作人员队伍建设，明确专人负责信息发布、依申请公开答复和网站维护。",
    "在经费、设备等方面为政务公开工作提供必要保障，确保各项工作正常运转。",
    "主动接受社会监督，在门户网站公布监督电话和电子邮箱，认真受理群众的意见建议。",
    "围绕新修订的工作规范开展专题学习，提高工作人员的政策水平和业务能力。",
    "定期梳理群众通过各渠道反映的意见建议，作为改进公开工作的重要参考。",
];

const APPLY: &[&str] = &[
    "严格按照《条例》规定的程序和时限办理政府信息公开申请，做到依法受理、依法答复。",
    "对申请内容不明确的，及时一次性告知申请人补正，并说明需要补正的事项和合理的补正期限。",
    "对涉及第三方合法权益的申请，依法书面征求第三方意见，充分保障各方的合法权益。",
    "对申请人需要的信息属于主动公开范围的，告知获取的方式和途径，并提供链接或纸质文件。",
    "加强与申请人的沟通，准确把握申请人的真实需求，减少因理解偏差引起的矛盾纠纷。",
    "定期研判依申请公开的热点领域，对申请较多的信息及时转为主动公开。",
    "建立疑难申请会商机制，邀请法律顾问参与研究，提高答复的准确性和规范性。",
    "严格执行申请登记制度，申请接收、登记、办理、答复、送达、归档各环节均有据可查。",
];

const INNOVATE: &[&str] = &[
    "探索开展「政策进社区」活动，组织工作人员深入街道、社区和企业宣讲惠民惠企政策。",
    "在办事窗口设置政策咨询专区，安排业务骨干为群众提供一对一的政策解答服务。",
    "推行政策文件「一件事一解读」，用通俗易懂的语言说明政策的出台背景、主要内容和适用对象。",
    "组织开展政务公开满意度调查，根据调查结果有针对性地改进工作。",
    "加强政务公开与政务服务的融合，在办事指南中同步提供相关政策文件和解读材料。",
    "开展政策文件「回头看」，评估已公开政策的实施效果，及时回应执行中的问题。",
    "依托「12345」政务服务便民热线收集群众对政策的咨询和诉求，作为完善政策解读的依据。",
    "编印政策汇编和宣传手册，在政务服务大厅、社区服务中心等场所免费发放。",
];

const PROBLEMS: &[&str] = &[
    "政策解读的形式还不够丰富，图解、视频等群众喜闻乐见的解读产品数量偏少。",
    "部分工作人员对《中华人民共和国政府信息公开条例》的理解不够深入，对公开与不公开的界限把握不准。",
    "主动公开的深度和广度有待进一步拓展，部分领域信息更新不够及时。",
    "政务新媒体互动回应的时效性不强，对群众留言的回复还存在滞后现象。",
    "基层政务公开标准化规范化建设推进不平衡，个别事项的公开标准还不够细化。",
    "依申请公开答复的说理性有待加强，个别答复文书对法律依据的引用不够具体。",
    "信息公开专栏部分栏目内容更新频率不高，个别信息发布后未能及时关联相关解读。",
    "对公开工作的统筹协调还需加强，业务科室之间的信息共享机制还不够健全。",
];

const MEASURES: &[&str] = &[
    "一是加强学习培训，组织工作人员深入学习《条例》和相关业务规范，提升依法公开的能力和水平。",
    "二是丰富解读形式，综合运用图表图解、音频视频、专家访谈等方式，增强政策解读的针对性和可读性。",
    "三是完善工作机制，健全信息发布、审核、更新和回应关切的工作流程，确保信息发布及时准确。",
    "四是强化监督检查，定期对门户网站和政务新媒体进行检查，发现问题立即整改，推动工作提质增效。",
    "五是深化基层政务公开，加强对乡镇（街道）的业务指导，推动公开事项标准目录落地落实。",
];

const RECTIFIED: &[&str] = &[
    "对照上年度报告梳理出的问题清单，逐条明确整改责任科室和完成时限，实行销号管理。",
    "建立了政策文件与解读材料同步起草、同步审签、同步发布的工作机制。",
    "对门户网站的栏目进行了全面梳理，合并了内容重复的栏目，补充了缺失的信息。",
    "组织开展了依申请公开答复文书专项检查，对存在瑕疵的文书逐件分析原因并完善模板。",
    "制定了政务新媒体信息更新计划，明确了更新频次和责任人。",
    "对历年发布的规范性文件逐件标注有效性，方便群众查询现行有效的文件。",
    "举办了依申请公开业务专题培训，工作人员的答复规范意识明显增强。",
];

const OTHER: &[&str] = &[
    "认真落实政务公开工作要点，逐项细化分解任务，明确责任科室和完成时限，各项任务均已按期完成。",
    "按照上级部署，组织开展政府开放日活动，邀请群众代表走进机关，面对面了解政策落实情况。",
    "本年度政府信息公开工作年度报告按时编制并在门户网站公开发布，接受社会监督。",
    "严格执行《政府信息公开信息处理费管理办法》，规范收费通知的出具程序。",
    "结合「政务公开日」活动，在政务服务大厅设立咨询台，现场解答群众关心的政策问题。",
    "严格落实政务公开保密审查和信息发布审核制度，全年未发生因公开不当引起的负面舆情。",
    "推进公共企事业单位信息公开，督促指导相关单位及时公开服务指南和收费标准。",
];

/// The paragraphs of sections 一, 五 and 六 (the others hold the tables).
pub fn sections(rng: &mut Rng, f: &Facts) -> [Vec<Para>; 3] {
    let y = f.year;
    let upper = if f.place.ends_with('县') || f.place.ends_with('区') {
        "县委、县政府"
    } else {
        "市委、市政府"
    };
    let mut one = Vec::new();
    one.push(Para {
        text: format!(
            "{y}年，{}在{upper}的坚强领导下，坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，认真落实《中华人民共和国政府信息公开条例》（以下简称《条例》）和《{}{y}年政务公开工作要点》的各项要求。{}",
            f.agency,
            f.province,
            some(rng, OPENING, 6)
        ),
        sub: false,
    });

    // （一）主动公开: counts and shares of what was published.
    let policy = 10 + rng.below(60);
    let news = 80 + rng.below(600);
    let notice = 20 + rng.below(150);
    let other = 5 + rng.below(80);
    let published = policy + news + notice + other;
    let readings = 4 + rng.below(20);
    let graphic = rng.below(readings / 2 + 1);
    let video = rng.below((readings - graphic) / 2 + 1);
    let meetings = 2 + rng.below(6);
    let month = 2 + rng.below(9);
    let day = 1 + rng.below(28);
    let mut active = vec![
        format!(
            "全年通过门户网站主动公开政府信息{published}条，其中政策文件{policy}条、工作动态{news}条、通知公告{notice}条、其他信息{other}条，政策文件占主动公开信息总数的{}%。{}",
            pct(policy, published),
            some(rng, &ACTIVE[..8], 5)
        ),
        format!(
            "发布政策解读材料{readings}篇，其中图文解读{graphic}篇、视频解读{video}篇，图文和视频等多样化解读占解读总数的{}%。{y}年{month}月{day}日，召开政策吹风会，由主要负责同志对「{}」相关政策进行解读。全年召开新闻发布会{meetings}场。{}",
            pct(graphic + video, readings),
            rng.pick(&[
                "营商环境优化",
                "稳就业保民生",
                "乡村振兴",
                "城市更新",
                "生态环境保护"
            ]),
            some(rng, &ACTIVE[8..], 5)
        ),
    ];
    if rng.chance(50) {
        active.swap(0, 1);
    }
    active.push(format!(
        "聚焦群众关注的重点领域持续加大公开力度。{}",
        some(rng, KEY_AREAS, 8)
    ));
    let active_head = rng
        .pick(&["主动公开", "主动公开情况", "主动公开政府信息"])
        .to_string();

    // （二）依申请公开: the counts of table 三.
    let legal = f.new - f.natural_new;
    let mut apply = Vec::new();
    if f.new == 0 && f.carried_over == 0 {
        // Not a sentence of the pools: each sentence once per report.
        apply.push(
            "全年未收到政府信息公开申请，没有上年结转的申请。本机关继续保持申请渠道畅通，确保群众提出的申请能够及时受理。"
                .into(),
        );
    } else {
        let mut s = format!(
            "全年共收到政府信息公开申请{}件，其中自然人提出{}件、法人或其他组织提出{legal}件；上年结转政府信息公开申请{}件。",
            f.new, f.natural_new, f.carried_over
        );
        if f.result_total > 0 {
            s.push_str(&format!(
                "本年度办结{}件，其中予以公开{}件、部分公开{}件，予以公开和部分公开的占办结总数的{}%；结转下年度继续办理{}件。",
                f.result_total,
                f.disclosed,
                f.partial,
                pct(f.disclosed + f.partial, f.result_total),
                f.carried_forward
            ));
        } else {
            s.push_str(&format!(
                "截至{y}年12月31日，申请均在法定期限内，结转下年度继续办理{}件。",
                f.carried_forward
            ));
        }
        s.push_str("所有申请均在法定期限内答复，未发生逾期答复的情形。");
        apply.push(s);
    }
    let practice = some(rng, APPLY, 7);
    if f.reviews == 0 && f.suits == 0 {
        apply.push(
            "全年未发生因政府信息公开引起的行政复议和行政诉讼案件，依申请公开工作的规范化水平不断提高。"
                .into(),
        );
    } else {
        apply.push(format!(
            "因政府信息公开被申请行政复议{}件、被提起行政诉讼{}件，本机关依法答辩举证，并对案件中反映出的问题进行了认真分析。",
            f.reviews, f.suits
        ));
    }
    apply.push(practice);

    // （三）政府信息管理, with table 二's normative documents.
    let [issued, abolished, in_force] = f.normative;
    let checked = 50 + rng.below(400);
    let manage = vec![format!(
        "全年印发行政规范性文件{issued}件，废止行政规范性文件{abolished}件，截至{y}年底现行有效行政规范性文件{in_force}件，均已在门户网站集中公开。全年对拟公开的{checked}条信息进行了保密审查。{}",
        some(rng, MANAGE, 10)
    )];

    // （四）平台建设.
    let visits = 5 + rng.below(200);
    let posts = 100 + rng.below(900);
    let followers = 1000 + rng.below(50_000);
    let platform = vec![format!(
        "门户网站全年访问量约{visits}万人次；政务微信公众号「{}发布」全年推送信息{posts}条，关注用户{followers}人。{}",
        f.place,
        some(rng, PLATFORM, 9)
    )];

    // （五）监督保障.
    let trainings = 1 + rng.below(5);
    let trainees = 20 + rng.below(200);
    let oversight = vec![format!(
        "{y}年{}月，组织开展政务公开业务培训{trainings}期，参训人员{trainees}人次。{}",
        1 + rng.below(11),
        some(rng, OVERSIGHT, if f.government { 10 } else { 7 })
    )];

    let mut parts = [
        (active_head, active),
        (
            rng.pick(&["依申请公开", "依申请公开情况"]).to_string(),
            apply,
        ),
        (
            rng.pick(&["政府信息管理", "政府信息管理情况"]).to_string(),
            manage,
        ),
        (
            rng.pick(&["政府信息公开平台建设", "平台建设情况"])
                .to_string(),
            platform,
        ),
        (
            rng.pick(&["监督保障", "监督保障情况"]).to_string(),
            oversight,
        ),
    ];
    for (i, (head, body)) in parts.iter_mut().enumerate() {
        sub(rng, &mut one, i, head, std::mem::take(body));
    }

    // 五: last year's problems rectified, this year's problems, measures.
    let mut five = Vec::new();
    let body = vec![format!(
        "针对{}年度报告中指出的政策解读形式单一、网站栏目更新不及时等问题，逐项制定整改措施，明确责任人和整改时限。{}目前上一年度的问题已全部整改到位。",
        y - 1,
        some(rng, RECTIFIED, 5)
    )];
    sub(rng, &mut five, 0, "上一年度存在问题的整改情况", body);
    let body = vec![format!(
        "{y}年政府信息公开工作取得了一定成效，但对照新形势新要求，还存在一些不足。{}",
        some(rng, PROBLEMS, 7)
    )];
    sub(rng, &mut five, 1, "存在的主要问题", body);
    let body = vec![format!(
        "下一步，我们将以更高标准推进政务公开工作。{}",
        MEASURES.concat()
    )];
    sub(rng, &mut five, 2, "改进措施", body);

    // 六: the fee (always stated), proposals handled, the year's key points.
    let mut six = Vec::new();
    let fee = if f.no_fee > 0 {
        format!(
            "{y}年，本机关依据《政府信息公开信息处理费管理办法》向申请人发出收费通知{}件，申请人均逾期未缴纳，相关申请不再处理，实际收取信息处理费0元。",
            f.no_fee
        )
    } else {
        format!("{y}年，本机关未收取信息处理费。")
    };
    let proposals_a = 2 + rng.below(20);
    let proposals_b = 1 + rng.below(20);
    let proposals = proposals_a + proposals_b;
    let public_replies = rng.below(proposals + 1);
    let body = vec![format!("{fee}{}", OTHER[3])];
    sub(rng, &mut six, 0, "信息处理费收取情况", body);
    let body = vec![format!(
        "全年共承办人大代表建议和政协委员提案{proposals}件，其中人大代表建议{proposals_a}件、政协委员提案{proposals_b}件，均在规定时限内办结；办理复文全文公开{public_replies}件，占承办总数的{}%，其余因涉及个人信息等原因公开办理结果摘要。",
        pct(public_replies, proposals)
    )];
    sub(rng, &mut six, 1, "人大代表建议和政协委员提案办理情况", body);
    let body = vec![format!(
        "按照国办公开办函〔2021〕30号的要求编制本报告。{}{}",
        some(rng, &OTHER[..3], 3),
        some(rng, &OTHER[4..], 3)
    )];
    sub(rng, &mut six, 2, "政务公开工作要点落实情况", body);
    let body = vec![some(rng, INNOVATE, 8)];
    sub(rng, &mut six, 3, "政务公开创新工作情况", body);
    [one, five, six]
}

/// Chinese characters (CJK unified ideographs) in a text.
pub fn han_chars(text: &str) -> usize {
    text.chars()
        .filter(|c| matches!(*c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_to_one_decimal() {
        assert_eq!(pct(1, 4), "25");
        assert_eq!(pct(1, 3), "33.3");
        assert_eq!(pct(0, 0), "0");
    }
}
