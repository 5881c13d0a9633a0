// Shared by the edit dialogs of node-red-contrib-claude (loaded by each node's HTML): the dialogs'
// label width, the typed-input types, the JSON check of schema fields; checks a JSON Schema as it is
// typed, with the runtime's own checks, and says what the chosen account's model does with a schema.
// Texts come from the account node's catalog, which holds the package's shared texts.
(function () {
  "use strict";
  if (window.ClaudeEditor) return;
  var NAMESPACE = "node-red-contrib-claude/claude-config:";
  var PAUSE_MS = 400;

  function text(key, params) {
    return RED._(NAMESPACE + key, params || {});
  }

  /** A runtime error { key, params, message } in the editor's language (its message if the key is unknown). */
  function translated(error) {
    var shown = error && error.key ? text(error.key, error.params) : "";
    return shown && shown !== NAMESPACE + error.key ? shown : (error && error.message) || "";
  }

  $("<style>")
    .text(".claude-check { margin-top: 4px; font-size: 0.9em; }" +
      ".claude-check-ok { color: var(--red-ui-text-color-success, #3a7d44); }" +
      ".claude-check-bad { color: var(--red-ui-text-color-error, #d00); }" +
      // Wide enough for the German labels.
      ".claude-row > label:first-child { width: 130px; }" +
      // The expand button sits at the right end of a code editor's label row, as in Node-RED's own nodes.
      ".claude-expand { position: absolute; right: 0; top: 0; }")
    .appendTo("head");

  /**
   * Watches a code editor holding a JSON Schema ("tool": a tool's input, "data": generate data's result)
   * and writes the verdict into `line` a moment after each change. Returns { dispose }.
   */
  function watchSchema(editor, use, line) {
    var timer = null;
    var asked = 0;
    line.addClass("claude-check");
    function show(state, message) {
      line.removeClass("claude-check-ok claude-check-bad");
      if (state) line.addClass("claude-check-" + state);
      line.text(message || "");
    }
    function check() {
      var value = editor.getValue();
      var call = ++asked;
      if (!value.trim()) return show("", "");
      try {
        JSON.parse(value);
      } catch (e) {
        return show("bad", text("editor.schema-not-json", { detail: e.message }));
      }
      $.ajax({ url: "claude-schema/check", method: "POST", contentType: "application/json", dataType: "json", data: JSON.stringify({ schema: value, use: use }) })
        .done(function (answer) {
          if (call !== asked) return;
          if (answer.ok) show("ok", text("editor.schema-ok"));
          else show("bad", translated(answer.error));
        })
        .fail(function () {
          // No answer (offline, or no permission): the node checks the schema again when it starts.
          if (call === asked) show("", "");
        });
    }
    editor.getSession().on("change", function () {
      clearTimeout(timer);
      timer = setTimeout(check, PAUSE_MS);
    });
    check();
    return {
      dispose: function () {
        clearTimeout(timer);
        asked++;
      }
    };
  }

  /**
   * Writes into `line` whether the model of the account chosen in `select` takes structured outputs
   * (the schema then holds its answer) or not (Claude is made to call a tool). Deployed accounts only:
   * the models endpoint answers for those.
   */
  function describeStructuredOutput(select, line) {
    var asked = 0;
    line.addClass("claude-check");
    function update() {
      var id = $(select).val();
      var account = id && RED.nodes.node(id);
      var call = ++asked;
      line.text("");
      // Only a deployed account can be asked by id; a new or changed one would be a failed request.
      if (!account || account.changed) return;
      $.ajax({ url: "claude-config/" + encodeURIComponent(id) + "/models", method: "GET", dataType: "json" }).done(function (data) {
        if (call !== asked) return;
        var model = (data.models || []).filter(function (m) { return m.id === account.model; })[0];
        if (!model || !model.capabilities) return;
        var key = model.capabilities.structured_outputs ? "editor.structured-yes" : "editor.structured-no";
        line.text(text(key, { model: model.display_name }));
      });
    }
    $(select).on("change", update);
    update();
  }

  /**
   * A code editor for instructions or a schema of `node`: long lines wrap, and the button `expand` (a selector)
   * opens the text in the large editor, as the function and template nodes do. Returns the editor.
   */
  function codeEditor(node, id, mode, value, expand) {
    // Keeps the cursor and scroll between the small and the large editor, per node and field.
    var stateId = RED.editor.generateViewStateId("node", node, id);
    // wordWrap is Monaco's option; the ACE editor wraps through its session.
    var editor = RED.editor.createEditor({ id: id, mode: "ace/mode/" + mode, value: value, wordWrap: "on", stateId: stateId });
    var session = editor.getSession && editor.getSession();
    if (session && typeof session.setUseWrapMode === "function") session.setUseWrapMode(true);
    RED.popover.tooltip($(expand), RED._("node-red:common.label.expand"));
    $(expand).on("click", function (event) {
      event.preventDefault();
      editor.saveView && editor.saveView();
      RED.editor.editText({
        mode: mode,
        value: editor.getValue(),
        stateId: stateId,
        width: "Infinity",
        focus: true,
        complete: function (text) {
          editor.setValue(text, -1);
          setTimeout(function () {
            editor.restoreView && editor.restoreView();
            editor.focus();
          }, 250);
        }
      });
    });
    return editor;
  }

  /** Fills a context store <select>: the default store (shown as `defaultLabel`), then the others settings.js defines. */
  function fillStores(select, value, defaultLabel) {
    var stores = (RED.settings.context && RED.settings.context.stores) || [];
    $(select).append($("<option></option>").val("").text(defaultLabel));
    stores.forEach(function (s) {
      if (s !== "default") $(select).append($("<option></option>").val(s).text(s));
    });
    $(select).val(value || "");
  }

  /** A row of a checkbox list (tools, servers): the box carries `attr` = `value`. Returns the row. */
  function checkRow(list, rowClass, attr, value, checked) {
    var row = $("<div></div>").addClass(rowClass).appendTo(list);
    $('<input type="checkbox" style="width: auto; margin: 0 6px 0 0">').attr(attr, value).prop("checked", checked).appendTo(row);
    return row;
  }

  /** The `attr` values of the ticked boxes in a checkbox list, in their order. */
  function checkedValues(list, attr) {
    return $(list).find("input:checked").map(function () {
      return $(this).attr(attr);
    }).get();
  }

  /** Where a typed input of these nodes may read from. */
  var INPUT_TYPES = ["msg", "flow", "global", "str", "env"];

  /** A schema field's check before saving: empty, or JSON text holding an object. */
  function isJsonObjectOrEmpty(value) {
    if (!value || !String(value).trim()) return true;
    try {
      var parsed = JSON.parse(value);
      return !!parsed && typeof parsed === "object" && !Array.isArray(parsed);
    } catch (e) {
      return false;
    }
  }

  window.ClaudeEditor = {
    INPUT_TYPES: INPUT_TYPES,
    isJsonObjectOrEmpty: isJsonObjectOrEmpty,
    watchSchema: watchSchema,
    codeEditor: codeEditor,
    fillStores: fillStores,
    checkRow: checkRow,
    checkedValues: checkedValues,
    text: text,
    describeStructuredOutput: describeStructuredOutput
  };
})();
