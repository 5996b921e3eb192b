// The Sessions pane's operator actions beyond create/close/re-open/delete (sessionspane.cpp): edit a session's TTL
// and date_expiry, send a message as a participant (MessageInteraction), delete an interaction.

#include <QAction>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QKeySequence>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include "engineclient.h"
#include "formatting.h"
#include "interactionmodel.h"
#include "participantmodel.h"
#include "proxy/proxy.h"
#include "sessiondialogs.h"
#include "sessionmodel.h"
#include "sessionspane.h"
#include "widgets.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

void SessionsPane::createMoreActions(QHBoxLayout *sessionButtons, QHBoxLayout *participantButtons)
{
    auto *edit = new QPushButton(tr("TTL && e&xpiry…"), this);
    sessionButtons->insertWidget(sessionButtons->indexOf(m_delete), edit);
    m_editAction = makeAction(tr("Edit TTL and e&xpiry…"), &SessionsPane::editSelected, edit);

    auto *send = new QPushButton(tr("Send &message…"), this);
    participantButtons->insertWidget(participantButtons->count() - 1, send);
    m_sendAction = makeAction(tr("Send &message as participant…"), &SessionsPane::sendMessage, send);

    // The interactions list gets a page with its own button row, where the list was.
    const int at = m_tabs->indexOf(m_interactionView);
    const QString title = m_tabs->tabText(at);
    m_tabs->removeTab(at);
    auto *page = new QWidget(m_tabs);
    auto *layout = new QVBoxLayout(page);
    auto *row = new QHBoxLayout;
    auto *remove = new QPushButton(tr("D&elete interaction…"), page);
    row->addWidget(remove);
    row->addStretch();
    layout->addLayout(row);
    m_interactionView->setParent(page);
    layout->addWidget(m_interactionView);
    m_tabs->insertTab(at, page, title);
    m_deleteInteractionAction = makeAction(tr("D&elete interaction…"), &SessionsPane::deleteInteraction, remove);
    m_interactionView->installEventFilter(this);
    m_interactionView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_interactionView, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex i = m_interactionView->indexAt(pos);
        if (!i.isValid()) {
            return;
        }
        m_interactionView->setCurrentIndex(i);
        QMenu menu(this);
        menu.addAction(m_deleteInteractionAction);
        menu.exec(m_interactionView->viewport()->mapToGlobal(pos));
    });
    connect(m_interactionView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &SessionsPane::updateDetails);
    connect(m_interactions, &QAbstractItemModel::modelReset, this, &SessionsPane::updateDetails);
    connect(m_interactions, &QAbstractItemModel::rowsRemoved, this, &SessionsPane::updateDetails);
}

bool SessionsPane::eventFilter(QObject *watched, QEvent *event)
{
    // Delete on the interactions list deletes the current interaction (after asking). Taken before the view sees it:
    // the view would read the key's text (DEL) as the start of a keyboard search.
    if (watched == m_interactionView && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent *>(event)->matches(QKeySequence::Delete)) {
        m_deleteInteractionAction->trigger();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void SessionsPane::updateMoreActions(const Session *s)
{
    if (!m_editAction) {
        return; // still being built
    }
    m_editAction->setEnabled(s && s->isActive());
    bool anyone = false;
    for (const Participant &p : m_participants->rows()) {
        anyone = anyone || !p.dateDeleted.isValid();
    }
    m_sendAction->setEnabled(s && s->isActive() && s->mode != SessionMode::VOICE_ONLY && anyone &&
                             m_participants->sessionSid() == s->sid);
    const QModelIndex i = m_interactionView->currentIndex();
    m_deleteInteractionAction->setEnabled(s && i.isValid() && m_interactions->rowAt(i.row()));
}

void SessionsPane::editSelected()
{
    const Session *s = selectedSession();
    if (!s) {
        return;
    }
    EditSessionDialog dialog(m_ctx, *s, this);
    if (dialog.exec() == QDialog::Accepted) {
        m_banner->showInfo(
            tr("Session %1 now has TTL %2 and expiry %3.")
                .arg(dialog.updated().uniqueName.isEmpty() ? dialog.updated().sid : dialog.updated().uniqueName,
                     Format::duration(dialog.updated().ttl), Format::dateTime(dialog.updated().dateExpiry)));
    }
}

void SessionsPane::sendMessage()
{
    const Session *s = selectedSession();
    if (!s) {
        return;
    }
    const QModelIndex p = m_participantView->currentIndex();
    const Participant *chosen = p.isValid() ? m_participants->rowAt(p.row()) : nullptr;
    SendMessageDialog dialog(m_ctx, *s, m_participants->rows(), chosen ? chosen->sid : QString(), this);
    if (dialog.exec() == QDialog::Accepted) {
        m_participantBanner->showInfo(tr("Message queued for delivery (interaction %1).").arg(dialog.sent().sid));
    }
}

void SessionsPane::deleteInteraction()
{
    const Session *s = selectedSession();
    const QModelIndex i = m_interactionView->currentIndex();
    const InteractionItem *item = i.isValid() ? m_interactions->rowAt(i.row()) : nullptr;
    if (!s || !item) {
        return;
    }
    const QString what = item->type == u"voice"_s ? tr("the call") : tr("the message “%1”").arg(item->body.left(60));
    if (QMessageBox::question(this, tr("Delete interaction"),
                              tr("Delete %1 (%2) from the session's history?\n\nOnly the record goes: what was "
                                 "delivered stays delivered. This cannot be undone.")
                                  .arg(what, item->sid),
                              QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes) {
        return;
    }
    m_ctx.engine->call(
        this,
        [service = s->serviceSid, session = s->sid, sid = item->sid](Proxy &proxy, const QString &account) {
            return proxy.deleteInteraction(account, service, session, sid);
        },
        [this, sid = item->sid](Status st) {
            if (!st) {
                m_banner->showError(EngineClient::describe(st.error()));
                return;
            }
            m_banner->showInfo(tr("Interaction %1 deleted.").arg(sid));
        });
}

} // namespace Maskline
