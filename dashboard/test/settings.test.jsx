// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ConfirmByTyping } from '../src/components/settings/common.jsx';
import SharePasswordPage from '../src/components/SharePasswordPage.jsx';
import { ApiError } from '../src/lib/api.js';

afterEach(cleanup);

describe('typed confirmation', () => {
  it('stays disabled until the exact domain is typed, then confirms once', () => {
    const onConfirm = vi.fn();
    render(<ConfirmByTyping word="shop.example" action="delete it" label="Delete site" onConfirm={onConfirm} />);
    const button = screen.getByRole('button', { name: 'Delete site' });
    const input = screen.getByLabelText('Type shop.example to delete it');
    expect(button.disabled).toBe(true);
    fireEvent.change(input, { target: { value: 'shop.exampl' } });
    fireEvent.submit(input.closest('form'));
    expect(onConfirm).not.toHaveBeenCalled();
    fireEvent.change(input, { target: { value: 'shop.example' } });
    expect(button.disabled).toBe(false);
    fireEvent.click(button);
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });
});

describe('share link password page', () => {
  it('says a wrong password plainly and hands the unlocked token over on the right one', async () => {
    const call = vi.fn(async (method, path, body) => {
      if (body.password !== 'right password') throw new ApiError(403, 'wrong_password', 'wrong password for this share link');
      return { share_token: 'unlocked.jwt.token', domain: 'shop.example' };
    });
    const onUnlocked = vi.fn();
    render(<SharePasswordPage client={{ call }} domain="shop.example" shareToken="link-token" onUnlocked={onUnlocked} />);
    const field = screen.getByLabelText('Password');
    fireEvent.change(field, { target: { value: 'guess' } });
    fireEvent.click(screen.getByRole('button', { name: /View dashboard/ }));
    await screen.findByText('Wrong password.');
    expect(onUnlocked).not.toHaveBeenCalled();
    fireEvent.change(field, { target: { value: 'right password' } });
    fireEvent.click(screen.getByRole('button', { name: /View dashboard/ }));
    await waitFor(() => expect(onUnlocked).toHaveBeenCalledWith('unlocked.jwt.token'));
    expect(call).toHaveBeenLastCalledWith('POST', '/api/share/unlock', { token: 'link-token', password: 'right password' });
  });
});

describe('data settings', () => {
  it('sends the retention in days (empty: keep everything) and the privacy-signal choice', async () => {
    const updateSite = vi.fn(async (domain, patch) => ({ domain, ...patch }));
    const onSaved = vi.fn();
    const { default: DataSection } = await import('../src/components/settings/DataSection.jsx');
    render(<DataSection api={{ updateSite }} site={{ domain: 'shop.example', retention_days: null, privacy_signals: false }}
      onSaved={onSaved} />);
    fireEvent.change(screen.getByLabelText(/Keep events for/), { target: { value: '30' } });
    fireEvent.click(screen.getByLabelText(/Do-Not-Track/));
    fireEvent.click(screen.getByRole('button', { name: /Save/ }));
    await screen.findByText('Saved.');
    expect(updateSite).toHaveBeenCalledWith('shop.example', { retention_days: 30, privacy_signals: true });
    fireEvent.change(screen.getByLabelText(/Keep events for/), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: /Save/ }));
    await waitFor(() => expect(updateSite).toHaveBeenLastCalledWith('shop.example', { retention_days: null, privacy_signals: true }));
    expect(onSaved).toHaveBeenCalledTimes(2);
  });
});
