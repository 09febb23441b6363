// The Lua editor: CodeMirror 6 with the legacy Lua mode. This file is the
// entry point of the bundle (scripts/build-page.sh writes www/build/editor.js),
// so the page works offline and loads no code from elsewhere.
import { EditorState, StateEffect, StateField, RangeSet } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  highlightSpecialChars, drawSelection, Decoration, GutterMarker, gutterLineClass,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  StreamLanguage, syntaxHighlighting, HighlightStyle, indentOnInput, bracketMatching,
} from "@codemirror/language";
import { lua } from "@codemirror/legacy-modes/mode/lua";
import { tags } from "@lezer/highlight";

const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: "#7c3aed", fontWeight: "600" },
  { tag: [tags.string, tags.special(tags.string)], color: "#0f766e" },
  { tag: tags.number, color: "#b45309" },
  { tag: tags.comment, color: "#6b7280", fontStyle: "italic" },
  { tag: [tags.standard(tags.variableName), tags.variableName], color: "#1f2937" },
  { tag: tags.operator, color: "#be185d" },
  { tag: tags.bracket, color: "#374151" },
]);

// The line of the last error: a line decoration plus a gutter mark, cleared
// on the next edit so a stale mark never points at changed code.
const setErrorLine = StateEffect.define();
const errorLineDeco = Decoration.line({ class: "cm-error-line" });
const errorGutter = new (class extends GutterMarker { elementClass = "cm-error-gutter"; })();

const errorLine = StateField.define({
  create: () => marks(null, null),
  update(value, tr) {
    let line = tr.docChanged ? null : value.line;
    for (const e of tr.effects) if (e.is(setErrorLine)) line = e.value;
    return line === value.line && !tr.docChanged ? value : marks(tr.state, line);
  },
  provide: (field) => [
    EditorView.decorations.from(field, (v) => v.deco),
    gutterLineClass.from(field, (v) => v.gutter),
  ],
});

function marks(state, line) {
  if (!state || !line || line < 1 || line > state.doc.lines) return { line: null, deco: Decoration.none, gutter: RangeSet.empty };
  const from = state.doc.line(line).from;
  return { line, deco: Decoration.set([errorLineDeco.range(from)]), gutter: RangeSet.of([errorGutter.range(from)]) };
}

const theme = EditorView.theme({
  "&": { height: "100%", fontSize: "13.5px", backgroundColor: "#fff" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", lineHeight: "1.5" },
  ".cm-gutters": { backgroundColor: "#f6f7f9", color: "#9aa1ab", border: "none", borderRight: "1px solid #e5e7eb" },
  ".cm-activeLine": { backgroundColor: "#f5f8ff" },
  ".cm-activeLineGutter": { backgroundColor: "#eaf0ff" },
  ".cm-error-line": { backgroundColor: "#fde8e8 !important", boxShadow: "inset 3px 0 0 #dc2626" },
  ".cm-error-gutter": { backgroundColor: "#dc2626", color: "#fff" },
  "&.cm-focused": { outline: "none" },
});

/// Creates the editor in `parent`. `keys` maps CodeMirror key names
/// ("Mod-Enter") to handlers, which take precedence over editing keys.
export function createEditor(parent, { doc = "", keys = {}, onChange } = {}) {
  const custom = Object.entries(keys).map(([key, run]) => ({ key, run: () => (run(), true), preventDefault: true }));
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        keymap.of(custom),
        lineNumbers(), highlightActiveLineGutter(), highlightSpecialChars(), history(), drawSelection(),
        indentOnInput(), bracketMatching(), highlightActiveLine(),
        StreamLanguage.define(lua), syntaxHighlighting(highlight),
        keymap.of([indentWithTab, ...defaultKeymap, ...historyKeymap]),
        errorLine, theme, EditorState.tabSize.of(2),
        EditorView.contentAttributes.of({ "aria-label": "Lua program" }),
        EditorView.updateListener.of((u) => { if (u.docChanged) onChange?.(); }),
      ],
    }),
  });
  return {
    view,
    getText: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: 0 }, scrollIntoView: true });
    },
    /// Marks `line` (1-based) as the error's line and scrolls it into view; null clears.
    markError(line) {
      const valid = line && line >= 1 && line <= view.state.doc.lines;
      view.dispatch({
        effects: [setErrorLine.of(valid ? line : null),
          ...(valid ? [EditorView.scrollIntoView(view.state.doc.line(line).from, { y: "center" })] : [])],
      });
    },
    errorLine: () => view.state.field(errorLine).line,
    focus: () => view.focus(),
  };
}
