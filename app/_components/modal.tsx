'use client';

import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A native modal <dialog>: focus moves in and is kept there, Escape closes it, and the rest of the page is
 * inert while it is open. The content is mounted only while open, so a form starts fresh every time.
 */
export function Modal({
  open,
  onClose,
  labelledBy,
  className,
  children,
}: {
  open: boolean;
  onClose: () => void;
  labelledBy: string;
  className?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={`modal ${className ?? ''}`}
      aria-labelledby={labelledBy}
      onClose={onClose}
      // A click on the backdrop (the dialog element itself, outside its content box) closes it.
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) {
          const r = e.currentTarget.getBoundingClientRect();
          const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
          if (!inside) e.currentTarget.close();
        }
      }}
    >
      {open && children}
    </dialog>
  );
}
