/* The message list: adding to it, and scrolling only it. scrollIntoView would also scroll the
   LMS page around the frame. */

export function createMessageList(list) {
  function scrollToEnd() {
    list.scrollTop = list.scrollHeight;
  }

  return {
    add(node) {
      list.appendChild(node);
      scrollToEnd();
      return node;
    },
    // Brings `node` into view, its top first: on a phone an answer and its quiz are taller
    // than the screen, and the answer is what the student wants to read.
    reveal(node) {
      const top = node.offsetTop - 12;
      const bottom = node.offsetTop + node.offsetHeight + 12;
      const view = list.clientHeight;
      if (top < list.scrollTop || bottom - top > view) {
        list.scrollTop = top;
      } else if (bottom > list.scrollTop + view) {
        list.scrollTop = bottom - view;
      }
    },
    setBusy(value) {
      list.setAttribute("aria-busy", value ? "true" : "false");
    },
  };
}
