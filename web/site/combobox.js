// A search-as-you-type combobox (the WAI-ARIA 1.2 combobox pattern with a listbox popup): the input keeps the
// focus, aria-activedescendant names the highlighted option, the arrow keys move through the matches, Enter picks
// one, Escape closes the list (and a second Escape clears the text), a click picks too. onCommit(name) is called with
// the text whenever a choice is made or the input loses the focus with a changed value.
"use strict";

(function () {
  // Lower-case letters and digits only, so "HD 600", "hd-600" and "HD600" match alike (as the catalog's lookup does).
  function fold(s) {
    return s.toLowerCase().replace(/[^a-z0-9]/g, "");
  }

  class Combobox {
    constructor(input, listbox, items, onCommit) {
      this.input = input;
      this.listbox = listbox;
      this.items = items; // [{name, meta}]
      this.onCommit = onCommit;
      this.matches = [];
      this.active = -1;
      this.committed = input.value;
      this.idPrefix = listbox.id + "-option-";
      input.addEventListener("input", () => this.open(true));
      input.addEventListener("keydown", (e) => this.keydown(e));
      input.addEventListener("blur", () => {
        this.close();
        this.commit(this.input.value);
      });
      // mousedown, not click: the input must keep the focus, or its blur would commit the typed text first.
      listbox.addEventListener("mousedown", (e) => {
        const li = e.target.closest("[role=option]");
        if (!li) return;
        e.preventDefault();
        this.choose(Number(li.dataset.index));
      });
    }

    // The items matching every word of the text, in catalog order; all of them for an empty text.
    filter() {
      const words = this.input.value.split(/\s+/).map(fold).filter((w) => w.length > 0);
      return this.items.filter((item) => {
        const name = fold(item.name);
        return words.every((w) => name.includes(w));
      });
    }

    open(fromTyping) {
      this.matches = this.filter();
      this.active = fromTyping && this.matches.length > 0 && this.input.value.trim() !== "" ? 0 : -1;
      this.render();
    }

    render() {
      const list = this.listbox;
      list.textContent = "";
      this.matches.forEach((item, k) => {
        const li = document.createElement("li");
        li.id = this.idPrefix + k;
        li.setAttribute("role", "option");
        li.dataset.index = String(k);
        li.dataset.name = item.name;
        li.setAttribute("aria-selected", k === this.active ? "true" : "false");
        li.append(item.name);
        if (item.meta) {
          const meta = document.createElement("span");
          meta.className = "meta";
          meta.textContent = item.meta;
          li.append(meta);
        }
        list.append(li);
      });
      const shown = this.matches.length > 0;
      list.hidden = !shown;
      this.input.setAttribute("aria-expanded", shown ? "true" : "false");
      this.highlight();
    }

    highlight() {
      const options = this.listbox.children;
      for (let k = 0; k < options.length; ++k) options[k].setAttribute("aria-selected", k === this.active ? "true" : "false");
      if (this.active >= 0 && !this.listbox.hidden) {
        this.input.setAttribute("aria-activedescendant", this.idPrefix + this.active);
        const li = options[this.active];
        if (li && li.scrollIntoView) li.scrollIntoView({ block: "nearest" });
      } else {
        this.input.removeAttribute("aria-activedescendant");
      }
    }

    close() {
      this.listbox.hidden = true;
      this.input.setAttribute("aria-expanded", "false");
      this.input.removeAttribute("aria-activedescendant");
      this.active = -1;
    }

    isOpen() {
      return !this.listbox.hidden;
    }

    move(step) {
      if (!this.isOpen()) {
        this.open(false);
        if (this.matches.length === 0) return;
      }
      const n = this.matches.length;
      if (n === 0) return;
      this.active = this.active < 0 ? (step > 0 ? 0 : n - 1) : (this.active + step + n) % n;
      this.highlight();
    }

    keydown(e) {
      switch (e.key) {
        case "ArrowDown":
          e.preventDefault();
          if (e.altKey) this.open(false);
          else this.move(1);
          break;
        case "ArrowUp":
          e.preventDefault();
          this.move(-1);
          break;
        case "Enter":
          e.preventDefault(); // never submits the form
          if (this.isOpen() && this.active >= 0) this.choose(this.active);
          else if (this.isOpen() && this.matches.length === 1) this.choose(0);
          else {
            this.close();
            this.commit(this.input.value);
          }
          break;
        case "Escape":
          if (this.isOpen()) {
            e.preventDefault();
            this.close();
          } else if (this.input.value !== "") {
            e.preventDefault();
            this.input.value = "";
          }
          break;
        case "Tab":
          this.close();
          break;
        default:
          break;
      }
    }

    choose(k) {
      const item = this.matches[k];
      if (!item) return;
      this.input.value = item.name;
      this.close();
      this.commit(item.name);
    }

    // Sets the text without calling onCommit (for a value from the link).
    set(value) {
      this.input.value = value;
      this.committed = value;
    }

    commit(value) {
      if (value === this.committed) return;
      this.committed = value;
      this.onCommit(value);
    }
  }

  window.HeadroomCombobox = Combobox;
})();
