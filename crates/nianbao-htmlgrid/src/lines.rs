//! Source lines of the parsed page: scraper's tree sink, wrapped to note the
//! line html5ever is at when it creates each element and starts each text
//! node, so findings can name the line of the page source.

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};
use std::collections::HashMap;

use ego_tree::NodeId;
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use scraper::{Html, HtmlTreeSink};

/// The 1-based source line where elements and text nodes start.
pub type Lines = HashMap<NodeId, usize>;

struct LineSink {
    inner: HtmlTreeSink,
    line: Cell<u64>,
    lines: RefCell<Lines>,
}

impl LineSink {
    /// Notes that `id` starts `back` lines above the current line.
    fn note(&self, id: NodeId, back: usize) {
        let line = usize::try_from(self.line.get())
            .unwrap_or(usize::MAX)
            .saturating_sub(back)
            .max(1);
        self.lines.borrow_mut().entry(id).or_insert(line);
    }

    /// A text appended to `parent` lands in its last child (new or merged);
    /// the tokenizer reports the line where the piece of text ends, so the
    /// node starts `newlines` lines above (unless it was noted before).
    fn note_text_in(&self, parent: &NodeId, newlines: usize) {
        let last = self
            .inner
            .0
            .borrow()
            .tree
            .get(*parent)
            .and_then(|n| n.last_child())
            .map(|n| n.id());
        if let Some(id) = last {
            self.note(id, newlines);
        }
    }
}

/// Parses a page as [`Html::parse_document`] does, keeping source lines.
pub fn parse(text: &str) -> (Html, Lines) {
    let sink = LineSink {
        inner: HtmlTreeSink::new(Html::new_document()),
        line: Cell::new(1),
        lines: RefCell::new(HashMap::new()),
    };
    html5ever::driver::parse_document(sink, Default::default()).one(text)
}

impl TreeSink for LineSink {
    type Handle = NodeId;
    type Output = (Html, Lines);
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> (Html, Lines) {
        (self.inner.finish(), self.lines.into_inner())
    }

    fn parse_error(&self, msg: Cow<'static, str>) {
        self.inner.parse_error(msg)
    }

    fn get_document(&self) -> NodeId {
        self.inner.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Ref<'a, QualName> {
        self.inner.elem_name(target)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        let id = self.inner.create_element(name, attrs, flags);
        self.note(id, 0);
        id
    }

    fn create_comment(&self, text: StrTendril) -> NodeId {
        self.inner.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> NodeId {
        self.inner.create_pi(target, data)
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        let newlines = match &child {
            NodeOrText::AppendText(t) => Some(t.matches('\n').count()),
            NodeOrText::AppendNode(_) => None,
        };
        self.inner.append(parent, child);
        if let Some(n) = newlines {
            self.note_text_in(parent, n);
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        self.inner
            .append_based_on_parent_node(element, prev_element, child)
    }

    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.inner
            .append_doctype_to_document(name, public_id, system_id)
    }

    fn mark_script_already_started(&self, node: &NodeId) {
        self.inner.mark_script_already_started(node)
    }

    fn pop(&self, node: &NodeId) {
        self.inner.pop(node)
    }

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.inner.get_template_contents(target)
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        self.inner.same_node(x, y)
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode)
    }

    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        self.inner.append_before_sibling(sibling, new_node)
    }

    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs)
    }

    fn associate_with_form(
        &self,
        target: &NodeId,
        form: &NodeId,
        nodes: (&NodeId, Option<&NodeId>),
    ) {
        self.inner.associate_with_form(target, form, nodes)
    }

    fn remove_from_parent(&self, target: &NodeId) {
        self.inner.remove_from_parent(target)
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        self.inner.reparent_children(node, new_parent)
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &NodeId) -> bool {
        self.inner
            .is_mathml_annotation_xml_integration_point(handle)
    }

    fn set_current_line(&self, line_number: u64) {
        self.line.set(line_number);
    }

    fn allow_declarative_shadow_roots(&self, intended_parent: &NodeId) -> bool {
        self.inner.allow_declarative_shadow_roots(intended_parent)
    }

    fn attach_declarative_shadow(
        &self,
        location: &NodeId,
        template: &NodeId,
        attrs: &[Attribute],
    ) -> bool {
        self.inner
            .attach_declarative_shadow(location, template, attrs)
    }

    fn maybe_clone_an_option_into_selectedcontent(&self, option: &NodeId) {
        self.inner
            .maybe_clone_an_option_into_selectedcontent(option)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_and_text_know_their_line() {
        let (html, lines) = parse(
            "<html><body>\n<p>一、总体情况</p>\n<table>\n<tr><td>规章</td>\n<td>3</td></tr>\n</table>\n<p>\n甲\n乙</p></body></html>",
        );
        let line_of = |name: &str| {
            html.tree
                .nodes()
                .filter(|n| n.value().as_element().is_some_and(|e| e.name() == name))
                .map(|n| lines.get(&n.id()).copied())
                .collect::<Vec<_>>()
        };
        assert_eq!(line_of("p"), [Some(2), Some(7)]);
        assert_eq!(line_of("td"), [Some(4), Some(5)]);
        let text_line = html
            .tree
            .nodes()
            .find(|n| n.value().as_text().is_some_and(|t| &**t == "3"))
            .and_then(|n| lines.get(&n.id()).copied());
        assert_eq!(text_line, Some(5));
        // Text over several lines starts where it starts: the newline right
        // after <p>, on line 7 (the tokenizer reports the line it ends on, 9).
        let text_line = html
            .tree
            .nodes()
            .find(|n| n.value().as_text().is_some_and(|t| t.contains('甲')))
            .and_then(|n| lines.get(&n.id()).copied());
        assert_eq!(text_line, Some(7));
    }
}
